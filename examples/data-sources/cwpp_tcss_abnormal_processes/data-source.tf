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
