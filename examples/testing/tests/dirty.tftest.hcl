# cwpp-localcloud -fixtures fixtures/dirty.json -- terraform test -filter=tests/dirty.tftest.hcl
#
# The dirty account: an unhandled HIGH abnormal process on web-1 two days
# ago, an unhandled Critical on web-1 three hours ago, a Medium on db-1.
run "dirty_account_fails_the_gate" {
  command = plan

  # Exactly these fail: the run fails if either passes or anything else fails.
  expect_failures = [
    data.cwpp_tcss_abnormal_processes.unhandled_high,
    check.no_open_events_on_protected_hosts,
  ]
}

run "last_day_on_db_1_is_clean" {
  command = plan

  variables {
    last_days       = 1
    protected_hosts = ["db-1"]
  }

  assert {
    condition     = data.cwpp_tcss_abnormal_processes.unhandled_high.matched_count == 0
    error_message = "The HIGH event is two days old: last_days = 1 must not see it."
  }

  assert {
    condition     = output.open_events == ["huaweicloud/hw-dirty-1"]
    error_message = "Open events: ${jsonencode(output.open_events)}, want the Critical on web-1."
  }

  assert {
    condition     = output.open_on_protected_hosts == []
    error_message = "db-1 has only a Medium event: ${jsonencode(output.open_on_protected_hosts)}."
  }
}
