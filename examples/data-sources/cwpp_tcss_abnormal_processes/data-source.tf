# Every unhandled abnormal-process event of the region, newest first.
data "cwpp_tcss_abnormal_processes" "unhandled" {
  status   = "EVENT_UNDEAL"
  order_by = "found_time"
  order    = "desc"
}

# The detail of each HIGH one: its process tree, parent and ancestor.
data "cwpp_tcss_abnormal_process" "unhandled_high" {
  for_each = toset([for e in data.cwpp_tcss_abnormal_processes.unhandled.events : e.id if e.match_rule_level == "HIGH"])
  event_id = each.value
}

output "unhandled_high_process_trees" {
  value = { for id, e in data.cwpp_tcss_abnormal_process.unhandled_high : id => e.process_info.process_tree }
}

check "no_unhandled_high_abnormal_processes" {
  assert {
    condition     = length(data.cwpp_tcss_abnormal_process.unhandled_high) == 0
    error_message = "Unhandled HIGH abnormal processes: ${join(", ", [for e in data.cwpp_tcss_abnormal_process.unhandled_high : e.process_info.process_path])}"
  }
}

# filter blocks go to the API's Filters as given; rule_levels is applied by
# the provider; max_results = 0 would keep only the summary.
data "cwpp_tcss_abnormal_processes" "file_reads" {
  filter {
    name        = "EventType"
    values      = ["FILE_ABNORMAL_READ"]
    exact_match = true
  }
  rule_levels = ["HIGH", "MIDDLE"]
  max_results = 100
}

output "file_reads_per_cluster" {
  value = data.cwpp_tcss_abnormal_processes.file_reads.summary.by_cluster_name
}

# A time range: the last 7 days, or begin_time + end_time (RFC 3339; use
# plantimestamp(), known at plan, for times relative to now). The list is read
# newest first and paging stops past the range's start. found_time_rfc3339
# reads TCSS's zone-less times in the provider's tencentcloud.time_zone.
data "cwpp_tcss_abnormal_processes" "last_week" {
  last_days   = 7
  rule_levels = ["HIGH"]
}

check "no_high_in_the_last_day" {
  assert {
    condition = length([
      for e in data.cwpp_tcss_abnormal_processes.last_week.events : e
      if timecmp(e.found_time_rfc3339, timeadd(plantimestamp(), "-24h")) >= 0
    ]) == 0
    error_message = "HIGH abnormal processes in the last 24 hours (${data.cwpp_tcss_abnormal_processes.last_week.matched_count} this week)."
  }
}
