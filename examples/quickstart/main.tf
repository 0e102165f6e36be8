# Quick start: one abnormal-process event from Tencent Cloud TCSS and the
# unhandled application-whitelist events of the last 7 days from Huawei Cloud HSS.
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
