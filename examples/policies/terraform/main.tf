# Terraform-native policy: fail the plan when unhandled High/Critical
# application-whitelist events (Huawei Cloud HSS) or HIGH-level abnormal
# processes (Tencent Cloud TCSS) exist. Credentials come from the environment.
terraform {
  required_providers {
    cwpp = {
      source = "cwpp-terraform/cwpp"
    }
  }
}

provider "cwpp" {}

variable "tcss_event_ids" {
  type        = set(string)
  description = "TCSS abnormal-process events to review, such as the ids your alerting forwarded."
  default     = []
}

variable "enforce_gate" {
  type        = bool
  description = "Fail the plan (postcondition) when the gate is closed; false leaves the verdict to check blocks or OPA."
  default     = true
}

variable "hss_last_days" {
  type        = number
  description = "How many days of HSS events to consider."
  default     = 7
}

data "cwpp_hss_app_whitelist_events" "unhandled" {
  last_days     = var.hss_last_days
  handle_status = "unhandled"
  severities    = ["High", "Critical"]
}

data "cwpp_tcss_abnormal_process" "reviewed" {
  for_each = var.tcss_event_ids
  event_id = each.value
}

locals {
  unhandled_whitelist_events = [
    for e in data.cwpp_hss_app_whitelist_events.unhandled.events : "${e.severity} ${e.event_name} on ${e.host_name} (${e.event_id})"
  ]
  high_abnormal_processes = [
    for id, e in data.cwpp_tcss_abnormal_process.reviewed : "${e.process_info.process_path} in ${e.event_base_info.container_name} (${id})"
    if e.event_detail.match_rule.rule_level == "HIGH"
  ]
}

# check blocks report a failed assertion as a warning and let the run go on:
# visible in every plan, in HCP Terraform's health assessments, and in CI logs.
check "no_unhandled_high_or_critical_whitelist_events" {
  assert {
    condition     = length(local.unhandled_whitelist_events) == 0
    error_message = "Unhandled High/Critical whitelist events: ${join("; ", local.unhandled_whitelist_events)}"
  }
}

check "no_high_level_abnormal_processes" {
  assert {
    condition     = length(local.high_abnormal_processes) == 0
    error_message = "HIGH-level abnormal processes: ${join("; ", local.high_abnormal_processes)}"
  }
}

# A postcondition on a value known at plan time fails the plan itself: the
# gate for a deployment pipeline.
resource "terraform_data" "security_gate" {
  input = {
    unhandled_whitelist_events = length(local.unhandled_whitelist_events)
    high_abnormal_processes    = length(local.high_abnormal_processes)
  }

  lifecycle {
    postcondition {
      condition     = !var.enforce_gate || (self.input.unhandled_whitelist_events == 0 && self.input.high_abnormal_processes == 0)
      error_message = "Security gate closed: ${length(local.unhandled_whitelist_events)} unhandled High/Critical whitelist events, ${length(local.high_abnormal_processes)} HIGH-level abnormal processes."
    }
  }
}
