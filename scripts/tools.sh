#!/usr/bin/env bash
# Builds the CLIs the tests and the demo drive, from the Go module proxy, into .tools/.
# Each tool is skipped when its binary is already there, so CI caches and reruns are cheap.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
mkdir -p "$tools"

TERRAFORM_VERSION=${TERRAFORM_VERSION:-1.5.7}
# The newest Terraform the module proxy serves: what people run today.
TERRAFORM_NEW_VERSION=${TERRAFORM_NEW_VERSION:-1.16.4}
OPENTOFU_VERSION=${OPENTOFU_VERSION:-1.12.6}
OPA_VERSION=${OPA_VERSION:-1.22.4}

# is_built BIN PATTERN: BIN runs and its `version` matches PATTERN. The output
# is read whole before grep: `BIN version | grep -q` under pipefail fails now
# and then (grep exits at the first match, the CLI's next write gets SIGPIPE),
# which rebuilt a cached CLI for minutes.
is_built() {
  local out
  [ -x "$1" ] && out=$("$1" version 2>/dev/null) && grep -q -- "$2" <<<"$out"
}

build_terraform() {
  local bin="$tools/terraform"
  if is_built "$bin" "v$TERRAFORM_VERSION"; then return; fi
  echo "tools: building Terraform $TERRAFORM_VERSION (a few minutes)" >&2
  GOBIN="$tools" GOFLAGS=-buildvcs=false go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION"
}

# Since 1.6 Terraform's go.mod replaces its remote-state backends with nested
# modules (./internal/backend/remote-state/*, ./internal/legacy) that the module
# zip leaves out, so `go install` refuses it. A copy with those backends taken
# out of internal/backend/init and go.mod builds; the local backend, the HTTP
# and inmem backends and the whole core stay as released.
build_terraform_new() {
  local bin="$tools/terraform-$TERRAFORM_NEW_VERSION"
  if is_built "$bin" "v$TERRAFORM_NEW_VERSION"; then return; fi
  echo "tools: building Terraform $TERRAFORM_NEW_VERSION without its nested remote-state backends (about 6 minutes)" >&2
  local dir work nested='azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3'
  dir=$(cd "$tools" && go mod download -json "github.com/hashicorp/terraform@v$TERRAFORM_NEW_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || { echo "tools: go mod download did not report a directory for terraform" >&2; exit 1; }
  work=$(mktemp -d)
  cp -r "$dir" "$work/src"
  chmod -R u+w "$work/src"
  (
    cd "$work/src"
    sed -E -i "/remote-state\/($nested)\"/d; /return backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)\.New\(/d" internal/backend/init/init.go
    sed -E -i "/internal\/backend\/remote-state\/($nested)[ =]/d; /terraform\/internal\/legacy[ =]/d" go.mod
    # The one file importing internal/legacy, a test: nothing in the copy refers to the removed modules.
    rm -f internal/command/views/hook_count_test.go
    GOFLAGS=-buildvcs=false go build -mod=mod -trimpath -ldflags "-X github.com/hashicorp/terraform/version.dev=no" -o "$bin" .
  )
  rm -rf "$work"
}

build_tofu() {
  local bin="$tools/tofu"
  if is_built "$bin" "v$OPENTOFU_VERSION"; then return; fi
  echo "tools: building OpenTofu $OPENTOFU_VERSION (a few minutes)" >&2
  local dir src work
  dir=$(cd "$tools" && go mod download -json "github.com/opentofu/opentofu@v$OPENTOFU_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || { echo "tools: go mod download did not report a directory for opentofu" >&2; exit 1; }
  work=$(mktemp -d)
  cp -r "$dir" "$work/src"
  chmod -R u+w "$work/src"
  (cd "$work/src" && GOFLAGS=-buildvcs=false go build -trimpath \
    -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$bin" ./cmd/tofu)
  rm -rf "$work"
}

build_opa() {
  local bin="$tools/opa"
  if is_built "$bin" "^Version: $OPA_VERSION$"; then return; fi
  echo "tools: building OPA $OPA_VERSION (a few minutes)" >&2
  GOBIN="$tools" GOFLAGS=-buildvcs=false go install -ldflags "-X github.com/open-policy-agent/opa/v1/version.Version=$OPA_VERSION" \
    "github.com/open-policy-agent/opa@v$OPA_VERSION"
}

case "${1:-all}" in
  terraform) build_terraform ;;
  terraform-new) build_terraform_new ;;
  tofu) build_tofu ;;
  opa) build_opa ;;
  all) build_terraform; build_terraform_new; build_tofu; build_opa ;;
  *) echo "usage: $0 [terraform|terraform-new|tofu|opa|all]" >&2; exit 2 ;;
esac
