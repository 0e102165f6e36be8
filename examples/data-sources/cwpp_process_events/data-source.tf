# One policy over both clouds: no new high-or-worse suspicious process in the
# last day, whichever cloud saw it.
data "cwpp_process_events" "last_day" {
  begin_time = timeadd(plantimestamp(), "-24h")
  end_time   = plantimestamp()
  statuses   = ["new"]
  severities = ["critical", "high"]
}

check "no_new_high_process_events" {
  assert {
    condition     = length(data.cwpp_process_events.last_day.events) == 0
    error_message = "New high-or-worse process events in the last day: ${join(", ", [for e in data.cwpp_process_events.last_day.events : "${e.cloud}/${e.event_id} ${try(e.process.name, "?")} on ${try(e.device.hostname, "?")}"])}"
  }
}

output "process_events_by_cloud" {
  value = data.cwpp_process_events.last_day.summary.by_cloud
}
