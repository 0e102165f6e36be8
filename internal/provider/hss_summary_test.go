package provider

import (
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// expectedHSSSummary counts the generated events i < n that keep(i) keeps,
// as the summary must.
func expectedHSSSummary(srv *localcloud.Server, n int, keep func(i int) bool) knownvalue.Check {
	bySeverity, byHost, byStatus := map[string]int64{}, map[string]int64{}, map[string]int64{}
	for i := range n {
		if !keep(i) {
			continue
		}
		bySeverity[localcloud.HSSSeverities[i%len(localcloud.HSSSeverities)]]++
		byHost[localcloud.HSSHostNames[i%len(localcloud.HSSHostNames)]]++
		byStatus[localcloud.HSSGeneratedHandleStatus(i)]++
	}
	newest := int64(0)
	for id, occur := range srv.HSSEventTimes() {
		var i int
		if _, err := fmt.Sscanf(id, "hss-%06d-", &i); err == nil && keep(i) {
			newest = max(newest, occur)
		}
	}
	counts := func(m map[string]int64) knownvalue.Check {
		checks := map[string]knownvalue.Check{}
		for k, v := range m {
			checks[k] = knownvalue.Int64Exact(v)
		}
		return knownvalue.MapExact(checks)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"by_severity": counts(bySeverity), "by_host_name": counts(byHost), "by_handle_status": counts(byStatus),
		"newest_occur_time_rfc3339": knownvalue.StringExact(time.UnixMilli(newest).UTC().Format(time.RFC3339Nano)), // milliseconds kept,
	})
}

func TestAccHSSSummary(t *testing.T) {
	const n = 700 // mixed: 3 in 7 sparse
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: n})
	highOrCritical := func(i int) bool { return i%5 >= 3 }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				// Counts every matched event, before max_results.
				Config: hssConfig(srv, `
  last_days   = 30
  severities  = ["High", "Critical"]
  max_results = 10`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("total_num"), i64(n)),
					statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("events"), knownvalue.ListSizeExact(10)),
					statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("summary"), expectedHSSSummary(srv, n, highOrCritical)),
				},
			},
			{
				// max_results = 0: the summary alone, an empty list, no warning.
				Config: hssConfig(srv, `
  last_days   = 30
  max_results = 0`) + `
output "unhandled" {
  value = data.cwpp_hss_app_whitelist_events.test.summary.by_handle_status["unhandled"]
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("events"), knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("summary"), expectedHSSSummary(srv, n, func(int) bool { return true })),
					statecheck.ExpectKnownOutputValue("unhandled", i64(int64(n-(n+2)/3))),
				},
			},
			{
				// Nothing matched: empty maps and a null time.
				Config: hssConfig(srv, `
  last_days = 30
  host_name = "nowhere"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("summary"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"by_severity": knownvalue.MapExact(map[string]knownvalue.Check{}), "by_host_name": knownvalue.MapExact(map[string]knownvalue.Check{}),
						"by_handle_status":          knownvalue.MapExact(map[string]knownvalue.Check{}),
						"newest_occur_time_rfc3339": knownvalue.Null(),
					})),
				},
			},
		},
	})
}

// TestAccHSSStateSameAsFrameworkPath applies the same configurations with the
// framework's own server and with the provider's, through the real CLI, and
// compares every attribute of the state Terraform wrote.
func TestAccHSSStateSameAsFrameworkPath(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 600})
	frameworkFactories := map[string]func() (tfprotov6.ProviderServer, error){
		"cwpp": providerserver.NewProtocol6WithError(New("test")()),
	}
	for _, body := range []string{
		"last_days = 30",
		"begin_time = \"2024-11-11T00:00:00Z\"\n  end_time = \"2024-11-13T00:00:00Z\"",
		"last_days = 30\n  severities = [\"Critical\"]\n  max_results = 50",
	} {
		t.Run(body, func(t *testing.T) {
			states := map[string]map[string]string{}
			for name, factories := range map[string]map[string]func() (tfprotov6.ProviderServer, error){
				"framework": frameworkFactories, "provider": testProviderFactories,
			} {
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: factories,
					Steps: []resource.TestStep{{
						Config: hssConfig(srv, body),
						Check: func(s *terraform.State) error {
							states[name] = maps.Clone(s.RootModule().Resources[hssAddr].Primary.Attributes)
							return nil
						},
					}},
				})
			}
			want, got := states["framework"], states["provider"]
			if len(want) < 20 {
				t.Fatalf("the framework's state has only %d attributes", len(want))
			}
			for k, v := range want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s: framework %q, provider %q (present %v)", k, v, g, ok)
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("%s: only in the provider's state", k)
				}
			}
			t.Logf("%d attributes compared", len(want))
		})
	}
}
