package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

const processAddr = "data.cwpp_process_events.test"

func processConfig(srv *localcloud.Server, body string) string {
	return providerConfig(srv, tcssTestLimits, hssTestLimits) + "data \"cwpp_process_events\" \"test\" {\n" + body + "\n}\n"
}

// TestAccProcessEventsReferenceEvents: the reference events of both clouds
// map as the tables say, every attribute, nulls included.
func TestAccProcessEventsReferenceEvents(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{TencentQuota: -1})
	null := knownvalue.Null()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: processConfig(srv, "begin_time = \"2024-10-01T00:00:00Z\"\n  end_time = \"2024-11-30T00:00:00Z\""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(processAddr, tfjsonpath.New("events"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"cloud": str("huaweicloud"), "event_id": str(localcloud.HSSReferenceEventID),
						"time_rfc3339": str("2024-11-12T04:19:12Z"), "severity": str("high"), "severity_id": i64(4),
						"first_seen_rfc3339": str("2024-11-12T04:19:12Z"), "last_seen_rfc3339": str("2024-11-12T04:19:12Z"), "count": null,
						"status": str("new"), "status_id": i64(1), "title": str("Untrusted process running"), "description": null,
						"native_severity": str("High"), "native_status": str("unhandled"),
						"device": knownvalue.ObjectExact(map[string]knownvalue.Check{
							// The reference event has its host only in resource_info.
							"hostname": str("ecs-hce"), "ip": str("192.168.0.178"), "uid": str("4517fc**-be4f-4cbe-9467-******"),
						}),
						"container": null,
						"process": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": str("login"), "path": str("/usr/bin/login"), "pid": i64(1549), "cmd_line": str("login -- root"), "user": null,
						}),
						"parent_process": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": str("systemd"), "path": str("/usr/lib/systemd/systemd"), "pid": i64(1),
						}),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"cloud": str("tencentcloud"), "event_id": str("5202566"),
						"time_rfc3339": str("2024-10-21T15:55:45+08:00"), "severity": str("high"), "severity_id": i64(4),
						"first_seen_rfc3339": str("2024-10-21T15:55:45+08:00"), "last_seen_rfc3339": str("2024-10-21T20:57:12+08:00"), "count": i64(2),
						"status": str("resolved"), "status_id": i64(4), "title": str("REVERSE_SHELL"),
						"description": str("检测到疑似反弹shell命令执行"), "native_severity": str("HIGH"), "native_status": str("EVENT_DEALED"),
						"device": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"hostname": str("d41d8cd98f00*****"), "ip": str("172.16.0.34"), "uid": str("1414-18a1-4775-9e3f-cdfc898********"),
						}),
						"container": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"uid": str("1***5fe59dbd61071f16d6165480d381********"), "name": str("/adoring_ishizaka"), "image_name": str("alpine:latest"),
						}),
						"process": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": str("xenoncli"), "path": str("/usr/local/bin/xenoncli"), "pid": null, "cmd_line": null, "user": null,
						}),
						"parent_process": null,
					}),
				})),
				statecheck.ExpectKnownValue(processAddr, tfjsonpath.New("summary"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"by_cloud":            knownvalue.MapExact(map[string]knownvalue.Check{"huaweicloud": i64(1), "tencentcloud": i64(1)}),
					"by_severity":         knownvalue.MapExact(map[string]knownvalue.Check{"high": i64(2)}),
					"by_status":           knownvalue.MapExact(map[string]knownvalue.Check{"new": i64(1), "resolved": i64(1)}),
					"newest_time_rfc3339": str("2024-11-12T04:19:12Z"),
				})),
			},
		}},
	})
}

// TestAccProcessEventsMatchTheCloudLists: over the same range, per-cloud
// counts equal the single-cloud data sources', and the filters, boundaries
// and max_results work on both.
func TestAccProcessEventsMatchTheCloudLists(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: 120, HSSEvents: 300, TencentQuota: -1})
	same := `
data "cwpp_tcss_abnormal_processes" "week" {
  last_days = 7
}
data "cwpp_hss_app_whitelist_events" "week" {
  last_days = 7
}
output "tcss_equal" {
  value = data.cwpp_process_events.test.summary.by_cloud["tencentcloud"] == data.cwpp_tcss_abnormal_processes.week.matched_count
}
output "hss_equal" {
  value = data.cwpp_process_events.test.summary.by_cloud["huaweicloud"] == length(data.cwpp_hss_app_whitelist_events.week.events)
}
output "newest_first" {
  value = alltrue([for i in range(1, length(data.cwpp_process_events.test.events)) :
    timecmp(data.cwpp_process_events.test.events[i].time_rfc3339, data.cwpp_process_events.test.events[i - 1].time_rfc3339) <= 0])
}
output "count" {
  value = length(data.cwpp_process_events.test.events)
}
`
	now := srv.Now()
	b := localcloud.TCSSGeneratedFoundTime(now, 100, 120)
	e := localcloud.TCSSGeneratedFoundTime(now, 110, 120)
	tcssHigh := 0
	for i := 100; i <= 110; i++ {
		if localcloud.TCSSGeneratedRuleLevel(i) == "HIGH" {
			tcssHigh++
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: processConfig(srv, "last_days = 7") + same,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("tcss_equal", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("hss_equal", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("newest_first", knownvalue.Bool(true)),
				},
			},
			{
				// Boundaries included: TCSS events 100 to 110, on the two found times; HSS has its own in the range.
				Config: processConfig(srv, fmt.Sprintf("clouds = [\"tencentcloud\"]\n  begin_time = %q\n  end_time = %q\n  severities = [\"high\"]",
					b.Format(time.RFC3339), e.Format(time.RFC3339))),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(processAddr, tfjsonpath.New("summary").AtMapKey("by_cloud"),
						knownvalue.MapExact(map[string]knownvalue.Check{"tencentcloud": i64(int64(tcssHigh))})),
				},
			},
			{
				PreConfig: srv.ResetRequests,
				Config:    processConfig(srv, "last_days = 30\n  statuses = [\"resolved\"]\n  max_results = 5"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(processAddr, tfjsonpath.New("events"), knownvalue.ListSizeExact(5)),
					statecheck.ExpectKnownValue(processAddr, tfjsonpath.New("summary").AtMapKey("by_status"),
						knownvalue.MapExact(map[string]knownvalue.Check{"resolved": knownvalue.Int64Func(func(v int64) error {
							if v <= 5 {
								return fmt.Errorf("%d resolved events: want more than max_results", v)
							}
							return nil
						})})),
				},
				Check: func(*terraform.State) error {
					for _, r := range srv.Requests() {
						if r.Cloud == localcloud.Huawei && r.Params["handle_status"] != "handled" {
							return fmt.Errorf("statuses = [resolved] did not send handle_status = handled: %v", r.Params)
						}
					}
					return nil
				},
			},
			{
				Config: processConfig(srv, "last_days = 30\n  max_results = 0"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(processAddr, tfjsonpath.New("events"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(processAddr, tfjsonpath.New("summary").AtMapKey("by_cloud"),
						knownvalue.MapExact(map[string]knownvalue.Check{"tencentcloud": i64(120), "huaweicloud": i64(300)})),
				},
			},
		},
	})
}

// TestAccProcessEventsOneCloud: with one cloud configured and clouds unset,
// only that cloud is read.
func TestAccProcessEventsOneCloud(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 20})
	clearProviderEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`provider "cwpp" {
  huaweicloud {
    access_key = %q
    secret_key = %q
    project_id = %q
    endpoint   = %q
  }
}
data "cwpp_process_events" "test" { last_days = 30 }`, localcloud.HuaweiAccessKey, localcloud.HuaweiSecretKey, localcloud.HuaweiProjectID, srv.URL()),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(processAddr, tfjsonpath.New("summary").AtMapKey("by_cloud"),
					knownvalue.MapExact(map[string]knownvalue.Check{"huaweicloud": i64(20)})),
			},
		}},
	})
	if n := srv.RequestCount(localcloud.Tencent); n != 0 {
		t.Errorf("%d TCSS requests with only Huawei Cloud configured", n)
	}
}

// TestAccProcessEventsInvalid: bad values fail at plan, before any request.
func TestAccProcessEventsInvalid(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: 5, HSSEvents: 5})
	huaweiOnly := huaweiOnlyProviderHCL(srv)
	// Every case configures its clouds in HCL: "unconfigured cloud named" needs the environment empty.
	clearProviderEnv(t)
	cases := []planErrorCase{
		{"unknown cloud", processConfig(srv, "last_days = 1\n  clouds = [\"aws\"]"), regexp.MustCompile(`(?s)clouds.*value must be one of`)},
		{"no range", processConfig(srv, ""), regexp.MustCompile(`(?s)Missing time range`)},
		{"bad severity", processConfig(srv, "last_days = 1\n  severities = [\"High\"]"), regexp.MustCompile(`(?s)severities.*value must be one of`)},
		{"bad status", processConfig(srv, "last_days = 1\n  statuses = [\"unhandled\"]"), regexp.MustCompile(`(?s)statuses.*value must be one of`)},
		{"unconfigured cloud named", huaweiOnly + "data \"cwpp_process_events\" \"test\" {\n  last_days = 1\n  clouds = [\"tencentcloud\"]\n}",
			regexp.MustCompile(`(?s)Tencent Cloud is not configured`)},
	}
	expectPlanErrors(t, srv, cases)
}

// TestAccRecurringEventsAreSeen: an unhandled HIGH TCSS event first found
// 10 days ago and seen again an hour ago (57 times) is kept by a 3-day
// range on its last sighting, and only then; the list is read by
// LatestFoundTime. An HSS event without a severity is unknown, one with a
// value the table does not know is other, its word kept; HSS times keep
// their milliseconds.
func TestAccRecurringEventsAreSeen(t *testing.T) {
	fixtures, err := localcloud.ParseFixtures("recurring.json", []byte(`{
  "now": "2026-11-30T12:00:00+08:00",
  "tencentcloud": {"events": [
    {"Id": "recurring", "FoundTime": "2026-11-20 12:00:00", "LatestFoundTime": "2026-11-30 11:00:00", "EventCount": 57,
     "Status": "EVENT_UNDEAL", "MatchRuleLevel": "HIGH", "NodeName": "web-1"},
    {"Id": "old", "FoundTime": "2026-11-20 12:00:00", "LatestFoundTime": "2026-11-20 12:00:00", "Status": "EVENT_UNDEAL", "MatchRuleLevel": "HIGH"}
  ]},
  "huaweicloud": {"events": [
    {"event_id": "no-severity", "occur_time": 1796004000051, "handle_status": "unhandled"},
    {"event_id": "odd-status", "occur_time": 1796004000000, "severity": "High", "handle_status": null, "host_name": "db-1"}
  ]}
}`))
	if err != nil {
		t.Fatal(err)
	}
	srv := localcloud.StartForTest(t, localcloud.Config{Fixtures: fixtures, TencentQuota: -1})
	// The fixture's times move so that its "now" is the server's start.
	fileNow, _ := time.Parse(time.RFC3339, "2026-11-30T12:00:00+08:00")
	shift := srv.Now().Sub(fileNow).Round(time.Second)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	at := func(s string, zone *time.Location, layout string) string {
		t, _ := time.ParseInLocation(layout, s, zone)
		return t.Add(shift).In(zone).Format(time.RFC3339Nano)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(srv, tcssTestLimits, hssTestLimits) + `
data "cwpp_tcss_abnormal_processes" "first" {
  last_days = 3
}
data "cwpp_tcss_abnormal_processes" "latest" {
  last_days  = 3
  time_field = "latest_found_time"
  order_by   = "latest_found_time"
}
data "cwpp_process_events" "first" {
  last_days = 3
}
data "cwpp_process_events" "last" {
  last_days  = 3
  time_field = "last_seen"
}
data "cwpp_ocsf_findings" "first" {
  last_days = 3
}
data "cwpp_ocsf_findings" "last" {
  last_days  = 3
  time_field = "last_seen"
}
output "ocsf_first" {
  value = [for f in jsondecode(data.cwpp_ocsf_findings.first.findings) : f.finding_info.uid if f.cloud.provider == "Tencent Cloud"]
}
output "ocsf_recurring" {
  value = [for f in jsondecode(data.cwpp_ocsf_findings.last.findings) :
    [f.finding_info.uid, f.count, f.finding_info.first_seen_time_dt, f.finding_info.last_seen_time_dt, f.severity] if f.cloud.provider == "Tencent Cloud"]
}
output "tcss_first" { value = data.cwpp_tcss_abnormal_processes.first.events[*].id }
output "tcss_latest" { value = data.cwpp_tcss_abnormal_processes.latest.events[*].id }
output "process_first" { value = [for e in data.cwpp_process_events.first.events : e.event_id] }
output "recurring" {
  value = [for e in data.cwpp_process_events.last.events : [e.event_id, e.first_seen_rfc3339, e.last_seen_rfc3339, e.count, e.severity] if e.cloud == "tencentcloud"]
}
output "hss" {
  value = [for e in data.cwpp_process_events.last.events : [e.event_id, e.severity, e.severity_id, e.status, e.status_id, e.time_rfc3339] if e.cloud == "huaweicloud"]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("tcss_first", knownvalue.ListExact(nil)),
				statecheck.ExpectKnownOutputValue("ocsf_first", knownvalue.ListExact(nil)),
				statecheck.ExpectKnownOutputValue("ocsf_recurring", knownvalue.ListExact([]knownvalue.Check{knownvalue.ListExact([]knownvalue.Check{
					str("recurring"), knownvalue.Int64Exact(57), str(at("2026-11-20 12:00:00", shanghai, time.DateTime)),
					str(at("2026-11-30 11:00:00", shanghai, time.DateTime)), str("High"),
				})})),
				statecheck.ExpectKnownOutputValue("tcss_latest", knownvalue.ListExact([]knownvalue.Check{str("recurring")})),
				statecheck.ExpectKnownOutputValue("process_first", knownvalue.ListExact([]knownvalue.Check{str("no-severity"), str("odd-status")})),
				statecheck.ExpectKnownOutputValue("recurring", knownvalue.ListExact([]knownvalue.Check{knownvalue.ListExact([]knownvalue.Check{
					str("recurring"), str(at("2026-11-20 12:00:00", shanghai, time.DateTime)), str(at("2026-11-30 11:00:00", shanghai, time.DateTime)),
					knownvalue.Int64Exact(57), str("high"),
				})})),
				statecheck.ExpectKnownOutputValue("hss", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ListExact([]knownvalue.Check{str("no-severity"), str("unknown"), knownvalue.Int64Exact(0), str("new"), knownvalue.Int64Exact(1), str(time.UnixMilli(1796004000051).Add(shift).UTC().Format(time.RFC3339Nano))}),
					knownvalue.ListExact([]knownvalue.Check{str("odd-status"), str("high"), knownvalue.Int64Exact(4), str("unknown"), knownvalue.Int64Exact(0), str(time.UnixMilli(1796004000000).Add(shift).UTC().Format(time.RFC3339Nano))}),
				})),
			},
			Check: func(s *terraform.State) error {
				// The fixture's odd events (no severity, a null status) are valid findings too.
				for _, addr := range []string{"data.cwpp_ocsf_findings.first", "data.cwpp_ocsf_findings.last"} {
					findings, err := findingsOf(s.RootModule().Resources[addr].Primary.Attributes["findings"], false)
					if err != nil {
						return fmt.Errorf("%s: %w", addr, err)
					}
					if len(findings) < 2 {
						return fmt.Errorf("%s: %d findings", addr, len(findings))
					}
				}
				for _, r := range srv.Requests() {
					if r.Cloud == localcloud.Tencent && r.Params["By"] == "LatestFoundTime" {
						return nil
					}
				}
				return fmt.Errorf("no TCSS list request ordered by LatestFoundTime")
			},
		}},
	})
}
