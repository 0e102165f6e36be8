# Both accounts in one run of every test:
#
#   cwpp-localcloud -fixtures fixtures/clean.json -fixtures dirty=fixtures/dirty.json -- terraform test
#
# cwpp-localcloud serves fixtures/clean.json to the key ids it exports (the
# default provider below) and fixtures/dirty.json to requests signed with the
# key id "dirty" (the aliased provider); the secrets and endpoints come from
# its environment.

provider "cwpp" {}

provider "cwpp" {
  alias = "dirty"
  tencentcloud {
    secret_id = "dirty"
  }
  huaweicloud {
    access_key = "dirty"
  }
}

# The clean account: a handled HIGH, an unhandled LOW, an unhandled HIGH
# twelve days old, and one open Critical on a host nobody protects.
run "clean_account_passes_the_gate" {
  command = plan

  assert {
    condition     = data.cwpp_tcss_abnormal_processes.unhandled_high.matched_count == 0
    error_message = "Unhandled HIGH TCSS events in the window: ${data.cwpp_tcss_abnormal_processes.unhandled_high.matched_count}."
  }

  assert {
    condition     = output.open_events == ["huaweicloud/hw-clean-3"]
    error_message = "Open events: ${jsonencode(output.open_events)}, want the one on batch-1."
  }

  assert {
    condition     = output.open_on_protected_hosts == []
    error_message = "Open on protected hosts: ${jsonencode(output.open_on_protected_hosts)}."
  }
}

# The dirty account: an unhandled HIGH abnormal process on web-1 two days
# ago, an unhandled Critical on web-1 three hours ago, a Medium on db-1.
# Exactly these fail: the run fails if either gate stops biting or anything
# else fails.
run "dirty_account_fails_the_gate" {
  command   = plan
  providers = { cwpp = cwpp.dirty }

  expect_failures = [
    data.cwpp_tcss_abnormal_processes.unhandled_high,
    check.no_open_events_on_protected_hosts,
  ]
}

run "dirty_account_last_day_on_db_1_is_clean" {
  command   = plan
  providers = { cwpp = cwpp.dirty }

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
