#!/usr/bin/env bash
# make test-policies: the tests of examples/testing, run as users run them,
# `cwpp-localcloud -fixtures F -- CLI test`, with each CLI given. The clean
# fixture must pass tests/clean.tftest.hcl; the dirty one must pass
# tests/dirty.tftest.hcl (which expects exactly its failures) and fail
# tests/clean.tftest.hcl on the gate's own messages.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/cli-config.sh
[ $# -gt 0 ] || { echo "usage: $0 CLI..." >&2; exit 2; }

work=$(mktemp -d)
[ -n "${POLICY_TESTS_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
go build -o "$work/terraform-provider-cwpp" .
go build -o "$work/cwpp-localcloud" ./cmd/cwpp-localcloud

for tf in "$@"; do
  case $tf in /*) ;; */*) tf="$root/$tf" ;; *) tf=$(command -v "$tf") ;; esac
  version=$(TF_CLI_CONFIG_FILE=/dev/null "$tf" version | sed -n 1p)
  dir="$work/$(basename "$tf")"
  mkdir -p "$dir"
  export TF_CLI_CONFIG_FILE
  TF_CLI_CONFIG_FILE=$(cli_config "$tf" "$dir" "$work/terraform-provider-cwpp")
  cp -r examples/testing "$dir/module"
  rm -rf "$dir/module/.terraform" "$dir/module/.terraform.lock.hcl"
  (
    cd "$dir/module"
    "$tf" init -input=false -no-color >"$dir/init.log" 2>&1 || { cat "$dir/init.log" >&2; exit 1; }
    run() { "$work/cwpp-localcloud" -fixtures "fixtures/$1.json" -- "$tf" test -no-color -filter="tests/$2.tftest.hcl" >"$dir/$1-$2.log" 2>&1; }
    for pair in "clean clean" "dirty dirty"; do
      set -- $pair
      if ! run "$1" "$2"; then
        cat "$dir/$1-$2.log" >&2
        echo "policy tests: $version: tests/$2.tftest.hcl failed on fixtures/$1.json" >&2
        exit 1
      fi
    done
    if run dirty clean; then
      cat "$dir/dirty-clean.log" >&2
      echo "policy tests: $version: tests/clean.tftest.hcl passed on the dirty fixture: the gate does not bite" >&2
      exit 1
    fi
    for want in "1 unhandled HIGH abnormal-process events in the last 7 days" \
      "Open critical or high events on protected hosts: critical Untrusted process running on web-1 (huaweicloud hw-dirty-1); high REVERSE_SHELL on web-1 (tencentcloud tc-dirty-1)"; do
      if ! tr -s ' \n' ' ' <"$dir/dirty-clean.log" | grep -qF "$want"; then
        cat "$dir/dirty-clean.log" >&2
        echo "policy tests: $version: the dirty fixture failed tests/clean.tftest.hcl without: $want" >&2
        exit 1
      fi
    done
  )
  echo "policy tests: $version: clean passes, dirty fails exactly the gate's two checks"
done
