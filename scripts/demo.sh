#!/usr/bin/env bash
# make demo: a real `terraform plan` of examples/quickstart against the local cloud,
# with the provider built from this tree and wired in by a dev override. It uses
# a Terraform (>= 1.5) or OpenTofu already on the PATH, and builds Terraform 1.5.7
# into .tools/ only when there is none (or TF_DEMO_CLI names one).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# cli_version, is_opentofu and cli_config
. scripts/cli-config.sh

# cli_at_least_1_5 says whether $1 is a Terraform or OpenTofu of version 1.5 or later.
cli_at_least_1_5() {
  local v
  v=$(cli_version "$1" | sed -n 's/^[A-Za-z]* v\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
  [ -n "$v" ] && set -- $v && { [ "$1" -gt 1 ] || [ "$2" -ge 5 ]; }
}
tf=${TF_DEMO_CLI:-}
if [ -z "$tf" ]; then
  for candidate in terraform tofu; do
    if command -v "$candidate" >/dev/null && cli_at_least_1_5 "$(command -v "$candidate")"; then
      tf=$(command -v "$candidate")
      break
    fi
  done
fi
if [ -z "$tf" ]; then
  bash scripts/tools.sh terraform
  tf="$root/.tools/terraform"
fi
echo "demo: using $(cli_version "$tf") at $tf" >&2

work="$root/examples/quickstart/.demo"
rm -rf "$work" && mkdir -p "$work/bin"
echo "demo: building the provider" >&2
go build -o "$work/bin/terraform-provider-cwpp" .
go build -o "$work/localcloud" ./cmd/cwpp-localcloud

export TF_CLI_CONFIG_FILE
TF_CLI_CONFIG_FILE=$(cli_config "$tf" "$work" "$work/bin/terraform-provider-cwpp")
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

# A fresh copy each run: no lock file or .terraform/ from an earlier build.
mkdir "$work/config" && cp "$root/examples/quickstart/main.tf" "$work/config/"
cd "$work/config"
"$tf" init -input=false -no-color -lock=false >"$work/init.log" 2>&1 || { cat "$work/init.log" >&2; exit 1; }
echo "demo: terraform init done" >&2
# The local cloud runs for the plan alone and exports the provider's environment to it.
exec "$work/localcloud" -hss-events 500 -- "$tf" plan -input=false -no-color
