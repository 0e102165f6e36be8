# Export every process event of the last 7 days, both clouds, as OCSF 1.8.0
# Detection Findings, and gate on them with OPA:
#
#   terraform apply -auto-approve
#   terraform output -raw ocsf_findings > findings.json      # for the SIEM
#   terraform output -json > outputs.json
#   opa eval --fail-defined -d policy.rego -i outputs.json 'data.cwpp.ocsf.deny[x]'
terraform {
  required_providers {
    cwpp = {
      source = "cwpp-terraform/cwpp"
    }
  }
}

provider "cwpp" {}

data "cwpp_ocsf_findings" "week" {
  last_days = 7
}

output "ocsf_findings" {
  value = data.cwpp_ocsf_findings.week.findings
}

output "ocsf_matched_count" {
  value = data.cwpp_ocsf_findings.week.matched_count
}
