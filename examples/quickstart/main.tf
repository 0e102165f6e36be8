# Quick start: the unhandled abnormal-process events of Tencent Cloud TCSS, the
# detail of each HIGH one, a check on the last 7 days of TCSS, and the unhandled
# application-whitelist events of the last 7 days from Huawei Cloud HSS.
# Credentials and endpoints come from the environment (see the README);
# `make demo` runs this against the local cloud.
terraform {
  required_providers {
    cwpp = {
      source = "cwpp-terraform/cwpp"
    }
  }
}

provider "cwpp" {}

data "cwpp_tcss_abnormal_process" "example" {
  event_id = "5202566"
}

# Find events, then read the detail of each HIGH one.
data "cwpp_tcss_abnormal_processes" "unhandled" {
  status = "EVENT_UNDEAL"
}

data "cwpp_tcss_abnormal_process" "unhandled_high" {
  for_each = toset([for e in data.cwpp_tcss_abnormal_processes.unhandled.events : e.id if e.match_rule_level == "HIGH"])
  event_id = each.value
}

check "no_unhandled_high_abnormal_processes" {
  assert {
    condition     = length(data.cwpp_tcss_abnormal_process.unhandled_high) == 0
    error_message = "${length(data.cwpp_tcss_abnormal_process.unhandled_high)} unhandled HIGH abnormal processes, such as ${try(values(data.cwpp_tcss_abnormal_process.unhandled_high)[0].process_info.process_tree, "")}"
  }
}

# The last 7 days of TCSS: read newest first, paging stops past the week's start.
data "cwpp_tcss_abnormal_processes" "last_week" {
  last_days   = 7
  status      = "EVENT_UNDEAL"
  rule_levels = ["HIGH"]
}

check "no_unhandled_high_this_week" {
  assert {
    condition     = data.cwpp_tcss_abnormal_processes.last_week.matched_count == 0
    error_message = "${data.cwpp_tcss_abnormal_processes.last_week.matched_count} unhandled HIGH abnormal processes in the last 7 days, the newest found at ${try(data.cwpp_tcss_abnormal_processes.last_week.events[0].found_time_rfc3339, "")}"
  }
}

data "cwpp_hss_app_whitelist_events" "recent" {
  last_days     = 7
  handle_status = "unhandled"
}

output "tcss_event" {
  value = {
    process    = data.cwpp_tcss_abnormal_process.example.process_info.process_name
    rule_level = data.cwpp_tcss_abnormal_process.example.event_detail.match_rule.rule_level
    ancestry   = [for n in data.cwpp_tcss_abnormal_process.example.process_info.process_tree_nodes : "${n.name}(${n.pid})"]
    container  = data.cwpp_tcss_abnormal_process.example.event_base_info.container_name
  }
}

output "tcss_unhandled" {
  value = {
    total    = data.cwpp_tcss_abnormal_processes.unhandled.total_count
    by_level = data.cwpp_tcss_abnormal_processes.unhandled.summary.by_match_rule_level
    high = {
      for id, e in data.cwpp_tcss_abnormal_process.unhandled_high : id => "${e.process_info.process_name}(${e.process_info.process_id}) in ${e.event_base_info.container_name}"
    }
  }
}

output "hss_unhandled_last_7_days" {
  value = {
    total = data.cwpp_hss_app_whitelist_events.recent.total_num
    by_severity = {
      for s in distinct([for e in data.cwpp_hss_app_whitelist_events.recent.events : e.severity]) :
      s => length([for e in data.cwpp_hss_app_whitelist_events.recent.events : e if e.severity == s])
    }
    newest = try(data.cwpp_hss_app_whitelist_events.recent.events[0].occur_time_rfc3339, null)
  }
}
