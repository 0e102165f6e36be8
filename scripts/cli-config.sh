# Sourced by demo.sh and policy-tests.sh: points a Terraform or OpenTofu CLI
# at a provider built from this tree.
#
# cli_config CLI WORK PROVIDER_BINARY writes WORK/terraformrc and prints its
# path: init installs the binary from an offline mirror (the registry is not
# reachable), plan and test run it through a dev override. OpenTofu resolves
# the source to its own registry host.
cli_config() {
  local cli=$1 work=$2 provider=$3 host=registry.terraform.io platform mirror
  is_opentofu "$cli" && host=registry.opentofu.org
  platform="$(go env GOOS)_$(go env GOARCH)"
  mirror="$work/mirror/$host/cwpp-terraform/cwpp/0.0.1/$platform"
  mkdir -p "$mirror" "$work/bin"
  cp "$provider" "$mirror/terraform-provider-cwpp_v0.0.1"
  [ "$provider" -ef "$work/bin/terraform-provider-cwpp" ] || cp "$provider" "$work/bin/terraform-provider-cwpp"
  cat >"$work/terraformrc" <<EOT
provider_installation {
  dev_overrides {
    "$host/cwpp-terraform/cwpp" = "$work/bin"
  }
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["$host/cwpp-terraform/cwpp"]
  }
}
EOT
  echo "$work/terraformrc"
}

# cli_version CLI is the CLI's version line, such as "OpenTofu v1.12.6". The
# output is read whole first: `CLI version | grep -q` (or -m 1) under
# pipefail fails now and then, grep exiting at its first match and the CLI's
# next write getting SIGPIPE.
cli_version() {
  local out
  out=$(TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null) && grep -E -m 1 '^(Terraform|OpenTofu) v' <<<"$out"
}

# is_opentofu CLI: the CLI is OpenTofu (a wrong answer gives OpenTofu
# Terraform's registry host, where no dev override applies).
is_opentofu() {
  [[ $(cli_version "$1") == OpenTofu* ]]
}
