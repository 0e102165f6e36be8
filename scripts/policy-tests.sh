#!/usr/bin/env bash
# make test-policies: examples/testing's tests, run as users run them, with
# each CLI given: one command runs both accounts, under dev_overrides and
# without `init`:
#
#   cwpp-localcloud -fixtures fixtures/clean.json -fixtures dirty=fixtures/dirty.json -- CLI test
#
# It must pass all 3 runs; with the accounts swapped it must fail on the
# gates' own messages (the gates bite). Then the README's testing recipe is
# run as written, with the first CLI as `terraform`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=scripts/cli-config.sh
source scripts/cli-config.sh # cli_version, is_opentofu
[ $# -gt 0 ] || { echo "usage: $0 CLI..." >&2; exit 2; }

work=$(mktemp -d)
[ -n "${POLICY_TESTS_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
go build -o "$work/bin/terraform-provider-cwpp" .
go build -o "$work/cwpp-localcloud" ./cmd/cwpp-localcloud

# dev_overrides_config CLI FILE GOBIN: a CLI configuration that runs the
# provider in GOBIN for the CLI's registry host.
dev_overrides_config() {
  local host=registry.terraform.io
  is_opentofu "$1" && host=registry.opentofu.org
  cat >"$2" <<EOT
provider_installation {
  dev_overrides {
    "$host/cwpp-terraform/cwpp" = "$3"
  }
  direct {}
}
EOT
}

for tf in "$@"; do
  case $tf in /*) ;; */*) tf="$root/$tf" ;; *) tf=$(command -v "$tf") ;; esac
  version=$(cli_version "$tf")
  dir="$work/$(basename "$tf")"
  mkdir -p "$dir"
  dev_overrides_config "$tf" "$dir/terraformrc" "$work/bin"
  cp -r examples/testing "$dir/module"
  rm -rf "$dir/module/.terraform" "$dir/module/.terraform.lock.hcl"
  (
    cd "$dir/module"
    export TF_CLI_CONFIG_FILE="$dir/terraformrc"
    if ! "$work/cwpp-localcloud" -fixtures fixtures/clean.json -fixtures dirty=fixtures/dirty.json -- "$tf" test -no-color >"$dir/test.log" 2>&1 ||
      ! grep -q "3 passed, 0 failed" "$dir/test.log"; then
      cat "$dir/test.log" >&2
      echo "policy tests: $version: tests/gates.tftest.hcl did not pass its 3 runs" >&2
      exit 1
    fi
    # The accounts swapped: the clean run reads the dirty account.
    if "$work/cwpp-localcloud" -fixtures fixtures/dirty.json -fixtures dirty=fixtures/clean.json -- "$tf" test -no-color >"$dir/swapped.log" 2>&1; then
      cat "$dir/swapped.log" >&2
      echo "policy tests: $version: the clean run passed on the dirty account: the gate does not bite" >&2
      exit 1
    fi
    for want in "1 unhandled HIGH abnormal-process events in the last 7 days" \
      "Open critical or high events on protected hosts: critical Untrusted process running on web-1 (huaweicloud hw-dirty-1); high REVERSE_SHELL on web-1 (tencentcloud tc-dirty-1)"; do
      if [[ $(tr -s ' \n' ' ' <"$dir/swapped.log") != *"$want"* ]]; then
        cat "$dir/swapped.log" >&2
        echo "policy tests: $version: the dirty account failed the clean run without: $want" >&2
        exit 1
      fi
    done
  )
  echo "policy tests: $version: both accounts in one command; the clean run passes, the dirty one fails exactly the gate's two checks"
done

# The README's recipe ("Testing your policies"), as written: the block
# between its two markers, run from a copy of the tree with GOBIN and the
# CLI configuration of a user who followed "Using the provider".
tf=$1
case $tf in /*) ;; */*) tf="$root/$tf" ;; *) tf=$(command -v "$tf") ;; esac
recipe=$(sed -n '/<!-- testing-recipe -->/,/<!-- \/testing-recipe -->/p' README.md | sed -n '/^```sh$/,/^```$/p' | sed '1d;$d')
[ -n "$recipe" ] || { echo "policy tests: README.md has no testing recipe between its markers" >&2; exit 1; }
mkdir -p "$work/user/gobin" "$work/user/clis"
ln -s "$tf" "$work/user/clis/$(is_opentofu "$tf" && echo tofu || echo terraform)"
git ls-files -z | (cd "$root" && xargs -0 tar -cf -) | (mkdir -p "$work/user/tree" && cd "$work/user/tree" && tar -xf -)
dev_overrides_config "$tf" "$work/user/terraformrc" "$work/user/gobin"
(
  cd "$work/user/tree"
  export GOBIN="$work/user/gobin" PATH="$work/user/gobin:$work/user/clis:$PATH" TF_CLI_CONFIG_FILE="$work/user/terraformrc"
  if ! bash -euo pipefail -c "$recipe" >"$work/user/recipe.log" 2>&1 || ! grep -q "3 passed, 0 failed" "$work/user/recipe.log"; then
    cat "$work/user/recipe.log" >&2
    echo "policy tests: the README's testing recipe, run as written, did not pass" >&2
    exit 1
  fi
)
echo "policy tests: the README's testing recipe passes as written"
