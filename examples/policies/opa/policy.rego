# OPA policy over `terraform show -json <planfile>`: deny when the plan read
# unhandled High/Critical HSS application-whitelist events, HIGH-level TCSS
# abnormal processes, unhandled HIGH events in a TCSS event list, or new
# high-or-worse events of either cloud in cwpp_process_events.
#
#   terraform plan -out plan.bin && terraform show -json plan.bin > plan.json
#   opa eval --fail-defined -d policy.rego -i plan.json 'data.cwpp.deny[x]'
package cwpp

import rego.v1

# Data sources read while planning are in prior_state; fall back to
# planned_values for data sources read at apply.
resources contains r if {
	some r in input.prior_state.values.root_module.resources
	r.mode == "data"
}

resources contains r if {
	some r in input.planned_values.root_module.resources
	r.mode == "data"
}

blocking_severities := {"High", "Critical"}

deny contains msg if {
	some r in resources
	r.type == "cwpp_hss_app_whitelist_events"
	some e in r.values.events
	e.handle_status == "unhandled"
	e.severity in blocking_severities
	msg := sprintf("%s: unhandled %s whitelist event %s on host %s", [r.address, e.severity, e.event_id, e.host_name])
}

deny contains msg if {
	some r in resources
	r.type == "cwpp_tcss_abnormal_process"
	r.values.event_detail.match_rule.rule_level == "HIGH"
	msg := sprintf("%s: HIGH-level abnormal process %s (event %s)", [r.address, r.values.process_info.process_path, r.values.event_id])
}

deny contains msg if {
	some r in resources
	r.type == "cwpp_tcss_abnormal_processes"
	some e in r.values.events
	e.status == "EVENT_UNDEAL"
	e.match_rule_level == "HIGH"
	msg := sprintf("%s: unhandled HIGH abnormal process %s (event %s)", [r.address, e.process_path, e.id])
}

# One rule for both clouds: a new high-or-worse event of cwpp_process_events,
# whichever cloud reported it (OCSF severity_id 4 high, 5 critical).
deny contains msg if {
	some r in resources
	r.type == "cwpp_process_events"
	some e in r.values.events
	e.status == "new"
	e.severity_id >= 4
	msg := sprintf("%s: new %s process event %s/%s: %s on %s", [r.address, e.severity, e.cloud, e.event_id, process_name(e), hostname(e)])
}

process_name(e) := e.process.name if e.process.name != null

else := "unknown process"

hostname(e) := e.device.hostname if e.device.hostname != null

else := "an unknown host"
