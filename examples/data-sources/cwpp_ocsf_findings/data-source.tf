# Every process event of the last day, both clouds, as OCSF 1.8.0 Detection
# Findings: one string, one finding per line, for the SIEM or the data lake.
#   terraform output -raw ocsf_findings > findings.ndjson
data "cwpp_ocsf_findings" "last_day" {
  begin_time = timeadd(plantimestamp(), "-24h")
  end_time   = plantimestamp()
  format     = "ndjson"
}

output "ocsf_findings" {
  value = data.cwpp_ocsf_findings.last_day.findings
}

# The same findings as HCL values, where a gate needs them.
check "no_new_critical_findings" {
  assert {
    condition = length([
      for f in [for line in compact(split("\n", data.cwpp_ocsf_findings.last_day.findings)) : jsondecode(line)] :
      f if f.severity_id >= 5 && f.status_id == 1
    ]) == 0
    error_message = "New critical findings in the last day."
  }
}
