# Unhandled High and Critical events of the last 7 days.
data "cwpp_hss_app_whitelist_events" "unhandled" {
  last_days     = 7
  handle_status = "unhandled"
  severities    = ["High", "Critical"]
}

locals {
  unhandled_by_host = {
    for host in distinct([for e in data.cwpp_hss_app_whitelist_events.unhandled.events : e.host_name]) :
    host => length([for e in data.cwpp_hss_app_whitelist_events.unhandled.events : e if e.host_name == host])
  }
}

output "unhandled_high_and_critical_per_host" {
  value = local.unhandled_by_host
}

# Fail the plan's checks while any such event exists.
check "no_unhandled_high_or_critical_whitelist_events" {
  assert {
    condition     = length(data.cwpp_hss_app_whitelist_events.unhandled.events) == 0
    error_message = "Unhandled High/Critical application-whitelist events per host: ${jsonencode(local.unhandled_by_host)}"
  }
}

# An explicit range longer than the API's 2 days is read in 2-day windows.
data "cwpp_hss_app_whitelist_events" "november" {
  begin_time  = "2026-11-01T00:00:00Z"
  end_time    = "2026-11-23T00:00:00Z"
  host_name   = "web-1"
  max_results = 500
}

# Count every event of the last 30 days without holding them in state:
# max_results = 0 keeps only the summary, whatever the number of events.
data "cwpp_hss_app_whitelist_events" "month" {
  last_days   = 30
  max_results = 0
}

output "unhandled_last_30_days" {
  value = lookup(data.cwpp_hss_app_whitelist_events.month.summary.by_handle_status, "unhandled", 0)
}

check "no_critical_events_this_month" {
  assert {
    condition     = lookup(data.cwpp_hss_app_whitelist_events.month.summary.by_severity, "Critical", 0) == 0
    error_message = "Critical events per host this month: ${jsonencode(data.cwpp_hss_app_whitelist_events.month.summary.by_host_name)}"
  }
}
