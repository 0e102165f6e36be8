package cwpp_test

import data.cwpp
import rego.v1

hss(events) := {
	"address": "data.cwpp_hss_app_whitelist_events.unhandled",
	"mode": "data",
	"type": "cwpp_hss_app_whitelist_events",
	"values": {"events": events},
}

tcss(address, level) := {
	"address": address,
	"mode": "data",
	"type": "cwpp_tcss_abnormal_process",
	"values": {
		"event_id": "5202566",
		"process_info": {"process_path": "/usr/local/bin/xenoncli"},
		"event_detail": {"match_rule": {"rule_level": level}},
	},
}

plan(resources) := {"prior_state": {"values": {"root_module": {"resources": resources}}}}

event(id, severity, status) := {"event_id": id, "severity": severity, "handle_status": status, "host_name": "web-1"}

test_clean_plan_is_allowed if {
	count(cwpp.deny) == 0 with input as plan([
		hss([event("e1", "High", "handled"), event("e2", "Low", "unhandled")]),
		tcss("data.cwpp_tcss_abnormal_process.a", "LOW"),
	])
}

test_unhandled_high_and_critical_are_denied if {
	denied := cwpp.deny with input as plan([hss([
		event("e1", "High", "unhandled"),
		event("e2", "Critical", "unhandled"),
		event("e3", "Medium", "unhandled"),
	])])
	denied == {
		"data.cwpp_hss_app_whitelist_events.unhandled: unhandled High whitelist event e1 on host web-1",
		"data.cwpp_hss_app_whitelist_events.unhandled: unhandled Critical whitelist event e2 on host web-1",
	}
}

test_high_abnormal_process_is_denied if {
	denied := cwpp.deny with input as plan([
		tcss("data.cwpp_tcss_abnormal_process.a", "HIGH"),
		tcss("data.cwpp_tcss_abnormal_process.b", "MEDIUM"),
	])
	denied == {"data.cwpp_tcss_abnormal_process.a: HIGH-level abnormal process /usr/local/bin/xenoncli (event 5202566)"}
}

test_data_read_at_apply_is_checked if {
	count(cwpp.deny) == 1 with input as {"planned_values": {"root_module": {"resources": [tcss("data.cwpp_tcss_abnormal_process.a", "HIGH")]}}}
}

test_managed_resources_are_ignored if {
	r := object.union(tcss("cwpp_tcss_abnormal_process.a", "HIGH"), {"mode": "managed"})
	count(cwpp.deny) == 0 with input as plan([r])
}

tcss_list(events) := {
	"address": "data.cwpp_tcss_abnormal_processes.unhandled",
	"mode": "data",
	"type": "cwpp_tcss_abnormal_processes",
	"values": {"events": events},
}

listed(id, status, level) := {"id": id, "status": status, "match_rule_level": level, "process_path": "/usr/bin/nc"}

test_listed_unhandled_high_is_denied if {
	denied := cwpp.deny with input as plan([tcss_list([
		listed("e1", "EVENT_UNDEAL", "HIGH"),
		listed("e2", "EVENT_DEALED", "HIGH"),
		listed("e3", "EVENT_UNDEAL", "MIDDLE"),
	])])
	denied == {"data.cwpp_tcss_abnormal_processes.unhandled: unhandled HIGH abnormal process /usr/bin/nc (event e1)"}
}

test_listed_handled_or_lower_is_allowed if {
	count(cwpp.deny) == 0 with input as plan([tcss_list([
		listed("e2", "EVENT_DEALED", "HIGH"),
		listed("e3", "EVENT_UNDEAL", "LOW"),
		{"id": "e4"},
	])])
}

process_events(events) := {
	"address": "data.cwpp_process_events.last_day",
	"mode": "data",
	"type": "cwpp_process_events",
	"values": {"events": events},
}

normalized(cloud, id, severity, severity_id, status) := {
	"cloud": cloud, "event_id": id, "severity": severity, "severity_id": severity_id, "status": status,
	"process": {"name": "nc"}, "device": {"hostname": "web-1"},
}

test_new_high_or_worse_of_either_cloud_is_denied if {
	denied := cwpp.deny with input as plan([process_events([
		normalized("tencentcloud", "evt-1", "high", 4, "new"),
		normalized("huaweicloud", "hss-1", "critical", 5, "new"),
		normalized("huaweicloud", "hss-2", "critical", 5, "resolved"),
		normalized("tencentcloud", "evt-2", "medium", 3, "new"),
	])])
	denied == {
		"data.cwpp_process_events.last_day: new high process event tencentcloud/evt-1: nc on web-1",
		"data.cwpp_process_events.last_day: new critical process event huaweicloud/hss-1: nc on web-1",
	}
}

test_process_events_without_process_or_device_still_denied if {
	e := object.union(normalized("tencentcloud", "evt-3", "high", 4, "new"), {"process": null, "device": null})
	denied := cwpp.deny with input as plan([process_events([e])])
	denied == {"data.cwpp_process_events.last_day: new high process event tencentcloud/evt-3: unknown process on an unknown host"}
}
