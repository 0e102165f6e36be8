package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// TestAccConcurrentReads reads, in one plan, an HSS range of 5 windows (their
// pages read by goroutines of one read), the TCSS list (its second page
// speculated), the same range as OCSF findings of both clouds (pages encoded
// as they arrive) and a TCSS for_each (many reads at once), all logging through
// the provider's masked log context (masks apply whatever the log level). make test runs it with -race: a
// context shared by goroutines that log must never be written.
func TestAccConcurrentReads(t *testing.T) {
	const hssEvents, tcssEvents, details = 1500, 250, 40
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: hssEvents, TCSSEvents: tcssEvents})
	end := time.Now().Add(-time.Minute).Truncate(time.Second).UTC()
	begin := end.Add(-9 * 24 * time.Hour)
	wantHSS := 0
	for _, occur := range srv.HSSEventTimes() {
		if occur >= begin.UnixMilli() && occur <= end.UnixMilli() {
			wantHSS++
		}
	}
	ids := make([]string, details)
	for i := range ids {
		ids[i] = fmt.Sprintf("%q", localcloud.TCSSGeneratedEventID(i+1))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(srv, "", hssTestLimits) + fmt.Sprintf(`
data "cwpp_hss_app_whitelist_events" "range" {
  begin_time = %q
  end_time   = %q
}
data "cwpp_tcss_abnormal_processes" "all" {}
data "cwpp_ocsf_findings" "range" {
  begin_time = %[1]q
  end_time   = %[2]q
}
data "cwpp_tcss_abnormal_process" "each" {
  for_each = toset([%[3]s])
  event_id = each.value
}
output "hss_findings" {
  value = length([for f in jsondecode(data.cwpp_ocsf_findings.range.findings) : f if f.cloud.provider == "Huawei Cloud"])
}
output "hss_ids" {
  value = length(distinct([for e in data.cwpp_hss_app_whitelist_events.range.events : e.event_id]))
}
output "tcss_list" {
  value = length(data.cwpp_tcss_abnormal_processes.all.events)
}
output "tcss_details" {
  value = length([for id, e in data.cwpp_tcss_abnormal_process.each : id if e.event_base_info.event_id == id])
}`, begin.Format(time.RFC3339), end.Format(time.RFC3339), strings.Join(ids, ", ")),
			// for_each instances stop the step at the plan, where every read happens.
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectKnownOutputValue("hss_ids", knownvalue.Int64Exact(int64(wantHSS))),
				plancheck.ExpectKnownOutputValue("hss_findings", knownvalue.Int64Exact(int64(wantHSS))),
				plancheck.ExpectKnownOutputValue("tcss_list", knownvalue.Int64Exact(tcssEvents+tcssFixedEvents)),
				plancheck.ExpectKnownOutputValue("tcss_details", knownvalue.Int64Exact(details)),
			}},
		}},
	})
}
