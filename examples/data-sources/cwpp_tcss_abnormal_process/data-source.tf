data "cwpp_tcss_abnormal_process" "suspect" {
  event_id = "5202566"
}

output "suspect_process" {
  value = {
    process    = data.cwpp_tcss_abnormal_process.suspect.process_info.process_path
    cmdline    = data.cwpp_tcss_abnormal_process.suspect.process_info.process_param
    ancestry   = [for n in data.cwpp_tcss_abnormal_process.suspect.process_info.process_tree_nodes : n.name]
    container  = data.cwpp_tcss_abnormal_process.suspect.event_base_info.container_name
    cluster    = data.cwpp_tcss_abnormal_process.suspect.event_base_info.cluster_name
    rule_level = data.cwpp_tcss_abnormal_process.suspect.event_detail.match_rule.rule_level
  }
}

# Fail the plan's checks when an unhandled event matched a HIGH-level rule.
check "no_unhandled_high_abnormal_process" {
  assert {
    condition = !(
      data.cwpp_tcss_abnormal_process.suspect.event_base_info.status == "EVENT_UNDEAL" &&
      data.cwpp_tcss_abnormal_process.suspect.event_detail.match_rule.rule_level == "HIGH"
    )
    error_message = "Abnormal process event ${data.cwpp_tcss_abnormal_process.suspect.event_id} is unhandled and matched a HIGH-level rule."
  }
}
