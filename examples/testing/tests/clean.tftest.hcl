# cwpp-localcloud -fixtures fixtures/clean.json -- terraform test -filter=tests/clean.tftest.hcl
#
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
