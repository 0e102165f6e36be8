package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// TestAccTCSSTimeCompanions: the reference event's zone-less times read in
// the default zone, China Standard Time, and in UTC when configured so.
func TestAccTCSSTimeCompanions(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{})
	ref := "data.cwpp_tcss_abnormal_process.ref"
	companions := func(found, latest, operation string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(ref, tfjsonpath.New("event_base_info").AtMapKey("found_time_rfc3339"), str(found)),
			statecheck.ExpectKnownValue(ref, tfjsonpath.New("event_base_info").AtMapKey("latest_found_time_rfc3339"), str(latest)),
			statecheck.ExpectKnownValue(ref, tfjsonpath.New("event_detail").AtMapKey("operation_time_rfc3339"), str(operation)),
			statecheck.ExpectKnownOutputValue("listed", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"found": str(found), "latest": str(latest),
			})),
		}
	}
	config := func(zone string) string {
		return providerConfig(srv, zone, "") + referenceEventConfig + `
data "cwpp_tcss_abnormal_processes" "test" {}
output "listed" {
  value = one([for e in data.cwpp_tcss_abnormal_processes.test.events : {
    found = e.found_time_rfc3339, latest = e.latest_found_time_rfc3339 } if e.id == "5202566"])
}`
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(""), ConfigStateChecks: companions(
				"2024-10-21T15:55:45+08:00", "2024-10-21T20:57:12+08:00", "2024-10-23T17:38:12+08:00")},
			{Config: config(`time_zone = "UTC"`), ConfigStateChecks: companions(
				"2024-10-21T15:55:45Z", "2024-10-21T20:57:12Z", "2024-10-23T17:38:12Z")},
		},
	})
}

// TestAccTCSSListTimeRange: last_days = 7 and a begin_time/end_time range
// keep exactly the generated events in range, bounds included, and read only
// the newest pages.
func TestAccTCSSListTimeRange(t *testing.T) {
	const n = 200
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: n, TencentQuota: -1})
	now := srv.Now()
	found := func(i int) time.Time { return localcloud.TCSSGeneratedFoundTime(now, i, n) }
	// last_days = 7: the events found in the last 7 days. The nearest event
	// is 21 minutes from that boundary, so the seconds between the server's
	// start and the read do not matter.
	var lastWeek []int
	for i := 1; i <= n; i++ {
		if found(i).After(now.Add(-7 * 24 * time.Hour)) {
			lastWeek = append(lastWeek, i)
		}
	}
	// begin_time/end_time: events 100 to 120, both found times included.
	var span []int
	for i := 100; i <= 120; i++ {
		span = append(span, i)
	}
	cases := []struct {
		name, body string
		want       []int
		maxReqs    int
	}{
		{"last_days 7", `last_days = 7`, lastWeek, 3},
		{"begin_time and end_time", fmt.Sprintf("begin_time = %q\n  end_time = %q",
			found(100).UTC().Format(time.RFC3339), found(120).Format(time.RFC3339)), span, 4},
		{"last_days with rule_levels", "last_days = 7\n  rule_levels = [\"HIGH\"]", only(lastWeek, func(i int) bool {
			return localcloud.TCSSGeneratedRuleLevel(i) == "HIGH"
		}), 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			byLevel := map[string]int64{}
			var ids []knownvalue.Check
			for _, i := range tc.want {
				byLevel[localcloud.TCSSGeneratedRuleLevel(i)]++
				ids = append(ids, str(localcloud.TCSSGeneratedEventID(i)))
			}
			levels := map[string]knownvalue.Check{}
			for level, c := range byLevel {
				levels[level] = knownvalue.Int64Exact(c)
			}
			srv.ResetRequests()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config: tcssListConfig(srv, tc.body) + `
output "ids" {
  value = [for e in data.cwpp_tcss_abnormal_processes.test.events : e.id]
}`,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(tcssListAddr, tfjsonpath.New("matched_count"), i64(int64(len(tc.want)))),
						statecheck.ExpectKnownValue(tcssListAddr, tfjsonpath.New("total_count"), i64(n+tcssFixedEvents)),
						statecheck.ExpectKnownValue(tcssListAddr, tfjsonpath.New("summary").AtMapKey("by_match_rule_level"), knownvalue.MapExact(levels)),
						statecheck.ExpectKnownOutputValue("ids", knownvalue.SetExact(ids)),
					},
					Check: func(*terraform.State) error {
						reqs := srv.Requests()
						if len(reqs) > tc.maxReqs {
							return fmt.Errorf("%d list requests, want at most %d", len(reqs), tc.maxReqs)
						}
						for _, r := range reqs {
							if r.Params["By"] != "FoundTime" || r.Params["Order"] != "desc" {
								return fmt.Errorf("a ranged read asked for %v, want FoundTime desc", r.Params)
							}
						}
						return nil
					},
				}},
			})
		})
	}
}

func only(ids []int, pred func(int) bool) []int {
	var out []int
	for _, i := range ids {
		if pred(i) {
			out = append(out, i)
		}
	}
	return out
}

// TestAccTCSSTimeInvalid: bad zones and ranges fail at plan, before any request.
func TestAccTCSSTimeInvalid(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: 10})
	cases := []planErrorCase{
		{"unknown zone", providerConfig(srv, `time_zone = "Mars/Olympus"`, "") + referenceEventConfig,
			wrapped(`(?s)Invalid tencentcloud.time_zone.*tencentcloud.time_zone must be an IANA time zone name such as Asia/Shanghai or UTC; got "Mars/Olympus"`)},
		{"last_days 0", tcssListConfig(srv, `last_days = 0`), wrapped(`(?s)Invalid last_days.*last_days must be at least 1: a whole number of days from 1 to 30, such as 7; got 0\.`)},
		// TCSS sends no time filter: 30 days is the provider's limit, not the API's.
		{"last_days 45", tcssListConfig(srv, `last_days = 45`), wrapped(`(?s)Invalid last_days.*last_days must be from 1 to 30 days; got 45\. For a longer range`)},
		{"begin after end", tcssListConfig(srv, "begin_time = \"2026-11-02T00:00:00Z\"\n  end_time = \"2026-11-01T00:00:00Z\""),
			wrapped(`(?s)Invalid time range.*end_time \(2026-11-01T00:00:00Z\) must be after begin_time`)},
		{"range with order asc", tcssListConfig(srv, "last_days = 7\n  order = \"asc\""),
			wrapped(`(?s)order conflicts with the time range.*order = "asc" cannot be used with a time range\. With a time range \(last_days, or begin_time and end_time\) the list is read ordered by its time_field, found_time, newest first`)},
		{"range with order_by latest_found_time", tcssListConfig(srv, "last_days = 7\n  order_by = \"latest_found_time\""),
			wrapped(`(?s)order_by conflicts with the time range.*order_by = "latest_found_time" cannot be used with a time range on found_time\..*set time_field = "latest_found_time"`)},
		{"range on latest_found_time with order_by found_time", tcssListConfig(srv, "last_days = 7\n  time_field = \"latest_found_time\"\n  order_by = \"found_time\""),
			wrapped(`(?s)order_by = "found_time" cannot be used with a time range on latest_found_time`)},
		{"begin without end", tcssListConfig(srv, `begin_time = "2026-11-02T00:00:00Z"`),
			wrapped(`(?s)must be configured together: \[begin_time,end_time\]`)},
	}
	expectPlanErrors(t, srv, cases)
}

func TestTCSSTimes(t *testing.T) {
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	times := newTCSSTimes(zone)
	good, bad, other, empty := "2024-10-23 17:38:12", "2024-10-23T17:38:12", "yesterday", ""
	if got := times.rfc3339(&good).ValueString(); got != "2024-10-23T17:38:12+08:00" {
		t.Errorf("companion %q", got)
	}
	for _, s := range []*string{&bad, &other, &empty, nil} {
		if !times.rfc3339(s).IsNull() {
			t.Errorf("companion of %v is not null", s)
		}
	}
	var diags diag.Diagnostics
	times.warn(&diags)
	if diags.WarningsCount() != 1 || !strings.Contains(diags[0].Detail(), `2 TCSS times were not of the form YYYY-MM-DD hh:mm:ss, such as "2024-10-23T17:38:12"`) {
		t.Errorf("want one warning counting the 2 bad times (absent and empty ones are not bad): %v", diags)
	}
}
