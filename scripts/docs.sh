#!/usr/bin/env bash
# make generate: docs/ from the schema and examples/. The schema is exported by
# OpenTofu, which (unlike Terraform 1.5.7) reports provider-defined functions.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/bin/terraform-provider-cwpp" .
cat >"$work/cli.tfrc" <<EOT
provider_installation {
  dev_overrides {
    "registry.terraform.io/hashicorp/cwpp" = "$work/bin"
  }
  direct {}
}
EOT
mkdir "$work/config"
cat >"$work/config/main.tf" <<'EOT'
terraform {
  required_providers {
    cwpp = { source = "registry.terraform.io/hashicorp/cwpp" }
  }
}
EOT
(cd "$work/config" && TF_CLI_CONFIG_FILE="$work/cli.tfrc" "$root/.tools/tofu" providers schema -json >"$work/schema.json")
"$root/.tools/tfplugindocs" generate --provider-name cwpp --providers-schema "$work/schema.json"
"$root/.tools/tfplugindocs" validate --provider-name cwpp
