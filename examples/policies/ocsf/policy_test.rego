package cwpp.ocsf_test

import data.cwpp.ocsf
import rego.v1

finding(uid, severity_id, severity, status_id) := {
	"class_uid": 2004, "type_uid": 200401, "time": 1764489600051,
	"metadata": {"version": "1.8.0", "product": {"name": "Host Security Service", "vendor_name": "Huawei Cloud"}},
	"cloud": {"provider": "Huawei Cloud", "region": "cn-north-4"},
	"finding_info": {"uid": uid, "title": "Untrusted process running"},
	"severity_id": severity_id, "severity": severity, "status_id": status_id,
	"device": {"type_id": 0, "hostname": "web-1"},
}

outputs(findings) := {"ocsf_findings": {"sensitive": false, "type": "string", "value": json.marshal(findings)}}

test_no_findings_is_allowed if {
	count(ocsf.deny) == 0 with input as outputs([])
}

test_resolved_or_low_findings_are_allowed if {
	count(ocsf.deny) == 0 with input as outputs([
		finding("e1", 4, "High", 4),
		finding("e2", 2, "Low", 1),
		finding("e3", 99, "SEVERE", 1),
	])
}

test_new_high_and_critical_findings_are_denied if {
	ocsf.deny == {
		"Huawei Cloud finding e1: High Untrusted process running on web-1 (Host Security Service)",
		"Huawei Cloud finding e2: Critical Untrusted process running on web-1 (Host Security Service)",
	} with input as outputs([finding("e1", 4, "High", 1), finding("e2", 5, "Critical", 1), finding("e3", 3, "Medium", 1)])
}

test_a_finding_without_a_device_is_still_denied if {
	f := object.remove(finding("e1", 5, "Critical", 1), ["device"])
	ocsf.deny == {"Huawei Cloud finding e1: Critical Untrusted process running on an unnamed host (Host Security Service)"} with input as outputs([f])
}

test_another_ocsf_version_is_denied if {
	f := json.patch(finding("e1", 2, "Low", 1), [{"op": "replace", "path": "/metadata/version", "value": "1.1.0"}])
	ocsf.deny == {"finding e1 is OCSF 1.1.0, not 1.8.0"} with input as outputs([f])
}
