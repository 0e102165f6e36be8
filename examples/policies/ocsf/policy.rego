# OPA policy over the OCSF findings of cwpp_ocsf_findings, as `terraform
# output -json` writes them: deny every new finding of High severity or worse,
# whichever cloud reported it. The findings are one string; json.unmarshal
# reads it.
#
#   terraform output -json > outputs.json
#   opa eval --fail-defined -d policy.rego -i outputs.json 'data.cwpp.ocsf.deny[x]'
package cwpp.ocsf

import rego.v1

findings := json.unmarshal(input.ocsf_findings.value)

# OCSF: severity_id 4 High, 5 Critical, 6 Fatal; status_id 1 New.
blocking(f) if {
	f.severity_id in {4, 5, 6}
	f.status_id == 1
}

deny contains msg if {
	some f in findings
	blocking(f)
	msg := sprintf("%s finding %s: %s %s on %s (%s)", [
		f.cloud.provider, f.finding_info.uid, f.severity, object.get(f.finding_info, "title", "untitled"),
		object.get(f, ["device", "hostname"], "an unnamed host"), f.metadata.product.name,
	])
}

# A finding that is not OCSF 1.8.0 is a broken export: deny it rather than
# pass it unread.
deny contains msg if {
	some f in findings
	f.metadata.version != "1.8.0"
	msg := sprintf("finding %v is OCSF %v, not 1.8.0", [f.finding_info.uid, f.metadata.version])
}
