package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

const tcssListAddr = "data.cwpp_tcss_abnormal_processes.test"

// Fast enough for tests, still through the limiter; the server's quota raised to match.
const tcssTestLimits = "requests_per_second = 200"

func tcssListConfig(srv *localcloud.Server, body string) string {
	return providerConfig(srv, tcssTestLimits, "") + "data \"cwpp_tcss_abnormal_processes\" \"test\" {\n" + body + "\n}\n"
}

// tcssFixedEvents are the server's events besides the generated ones: the
// reference, a sparse one and one with a bad process tree.
const tcssFixedEvents = 3

// tcssListEventAttributes returns the nested attributes of one listed event.
func tcssListEventAttributes(t *testing.T) map[string]schema.Attribute {
	t.Helper()
	var resp datasource.SchemaResponse
	NewTCSSAbnormalProcessesDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	events, ok := resp.Schema.Attributes["events"].(schema.ListNestedAttribute)
	if !ok {
		t.Fatal("events is not a list of nested objects")
	}
	return events.NestedObject.Attributes
}

// generated counts the generated events i in 1..n with pred(i).
func generated(n int, pred func(i int) bool) int {
	c := 0
	for i := 1; i <= n; i++ {
		if pred(i) {
			c++
		}
	}
	return c
}

func TestAccTCSSListEveryField(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{TencentQuota: -1})
	attrs := tcssListEventAttributes(t)
	reference := objectWith(t, attrs, map[string]knownvalue.Check{
		"id": str("5202566"), "process_path": str("/usr/local/bin/xenoncli"), "event_type": str("FILE_ABNORMAL_READ"),
		"match_rule_name": str("REVERSE_SHELL"), "found_time": str("2024-10-21 15:55:45"),
		"found_time_rfc3339": str("2024-10-21T15:55:45+08:00"), "latest_found_time_rfc3339": str("2024-10-21T20:57:12+08:00"),
		"container_name": str("/adoring_ishizaka"), "image_name": str("alpine:latest"), "behavior": str("BEHAVIOR_ALERT"),
		"status": str("EVENT_DEALED"), "image_id": str("sha256:1413413431fd9255658c128086395d3********"),
		"container_id": str("1***5fe59dbd61071f16d6165480d381********"), "solution": str("排查反弹shell行为及目标地址是否为业务正常需要"),
		"description": str("检测到疑似反弹shell命令执行"), "match_rule_id": str("100000000000000000000004"),
		"match_action": str("RULE_MODE_ALERT"), "match_process_path": str("/usr/bin"), "rule_exist": knownvalue.Bool(true),
		"event_count": i64(2), "latest_found_time": str("2024-10-21 20:57:12"), "rule_id": str("124"),
		"match_group_name": str("SYSTEM_DEFINED_RULE"), "match_rule_level": str("HIGH"),
		"container_net_status": str("NORMAL"), "container_net_sub_status": str("NONE"),
		"container_isolate_operation_src": str("system"), "cluster_id": str("cls-13nfdn****"), "node_type": str("NORMAL"),
		"pod_name": str("pod-dev"), "pod_ip": str("1.1.1.1"), "node_unique_id": str("fe8dfjf2d2****"),
		"node_name": str("d41d8cd98f00*****"), "node_id": str("d41d8cd98f00******"),
		"host_id": str("1414-18a1-4775-9e3f-cdfc898********"), "host_ip": str("172.16.0.34"), "cluster_name": str("demo-dev"),
		// container_status, public_ip and cmd_line are absent from the reference: null.
	})
	sparse := objectWith(t, attrs, map[string]knownvalue.Check{"id": str(localcloud.TCSSSparseEventID)})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: tcssListConfig(srv, `order_by = "found_time"`) + `
output "by_id" {
  value = { for e in data.cwpp_tcss_abnormal_processes.test.events : e.id => e }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tcssListAddr, tfjsonpath.New("total_count"), i64(tcssFixedEvents)),
				statecheck.ExpectKnownValue(tcssListAddr, tfjsonpath.New("events"), knownvalue.ListSizeExact(tcssFixedEvents)),
				statecheck.ExpectKnownOutputValueAtPath("by_id", tfjsonpath.New("5202566"), reference),
				statecheck.ExpectKnownOutputValueAtPath("by_id", tfjsonpath.New(localcloud.TCSSSparseEventID), sparse),
				statecheck.ExpectKnownValue(tcssListAddr, tfjsonpath.New("summary"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"by_match_rule_level": knownvalue.MapExact(map[string]knownvalue.Check{"HIGH": i64(1)}),
					"by_status":           knownvalue.MapExact(map[string]knownvalue.Check{"EVENT_DEALED": i64(1)}),
					"by_cluster_name":     knownvalue.MapExact(map[string]knownvalue.Check{"demo-dev": i64(1)}),
				})),
			},
		}},
	})
}

func TestAccTCSSListReadsEveryPageOnce(t *testing.T) {
	const n = 1234
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: n - tcssFixedEvents, TencentQuota: -1})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: tcssListConfig(srv, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tcssListAddr, tfjsonpath.New("total_count"), i64(n)),
				statecheck.ExpectKnownValue(tcssListAddr, tfjsonpath.New("events"), knownvalue.ListSizeExact(n)),
			},
			Check: resource.ComposeTestCheckFunc(checkUniqueIDs(n), func(*terraform.State) error {
				// Every read: ceil(1234 / 100) = 13 requests, offsets 0..1200, none past the last page.
				reqs := srv.Requests()
				if len(reqs)%13 != 0 || len(reqs) == 0 {
					return fmt.Errorf("%d requests: not reads of 13 requests each", len(reqs))
				}
				offsets := map[string]int{}
				for _, r := range reqs {
					if r.Action != "DescribeAbnormalProcessEvents" || r.Params["Limit"] != "100" {
						return fmt.Errorf("unexpected request %s %v", r.Action, r.Params)
					}
					offsets[r.Params["Offset"]]++
				}
				for p := 0; p < 13; p++ {
					if offsets[strconv.Itoa(p*100)] != len(reqs)/13 {
						return fmt.Errorf("offset %d read %d times in %d reads", p*100, offsets[strconv.Itoa(p*100)], len(reqs)/13)
					}
				}
				return nil
			}),
		}},
	})
}

// checkUniqueIDs checks that the n listed events have n distinct ids.
func checkUniqueIDs(n int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[tcssListAddr].Primary.Attributes
		seen := map[string]bool{}
		for i := range n {
			id := attrs[fmt.Sprintf("events.%d.id", i)]
			if id == "" || seen[id] {
				return fmt.Errorf("event %d has id %q, empty or seen before", i, id)
			}
			seen[id] = true
		}
		return nil
	}
}

func TestAccTCSSListNarrowing(t *testing.T) {
	const n = 300 // generated, besides the fixed three (statuses: the reference EVENT_DEALED, two without)
	undeal := generated(n, func(i int) bool { return localcloud.TCSSGeneratedStatus(i) == "EVENT_UNDEAL" })
	dealed := generated(n, func(i int) bool { return localcloud.TCSSGeneratedStatus(i) == "EVENT_DEALED" })
	ignored := generated(n, func(i int) bool { return localcloud.TCSSGeneratedStatus(i) == "EVENT_INGNORE" })
	high := generated(n, func(i int) bool { return localcloud.TCSSGeneratedRuleLevel(i) == "HIGH" }) + 1 // + the reference
	undealHigh := generated(n, func(i int) bool {
		return localcloud.TCSSGeneratedStatus(i) == "EVENT_UNDEAL" && localcloud.TCSSGeneratedRuleLevel(i) == "HIGH"
	})
	cases := []struct {
		name, body   string
		total        int // total_count
		events       int
		first        string // the first event's id, when the order is the point
		filterParams map[string]string
	}{
		{"status", `status = "EVENT_UNDEAL"`, undeal, undeal, "", map[string]string{"Filter.Status": "EVENT_UNDEAL"}},
		{"status ignored", `status = "EVENT_INGNORE"`, ignored, ignored, "", nil},
		{"fuzzy filter", `
  filter {
    name   = "Status"
    values = ["DEAL"]
  }`, undeal + dealed + 1, undeal + dealed + 1, "", map[string]string{"Filter.Status": "DEAL"}},
		{"exact filter", `
  filter {
    name        = "Status"
    values      = ["DEAL"]
    exact_match = true
  }`, 0, 0, "", nil},
		{"two filters", `
  status = "EVENT_DEALED"
  filter {
    name   = "EventType"
    values = ["FILE_ABNORMAL_READ"]
  }`, 1, 1, "5202566", map[string]string{"Filter.EventType": "FILE_ABNORMAL_READ"}},
		{"found_time asc", `
  order_by = "found_time"
  order    = "asc"`, n + 3, n + 3, localcloud.TCSSBadTreeEventID, map[string]string{"By": "FoundTime", "Order": "asc"}},
		{"found_time desc", `
  order_by = "found_time"
  order    = "desc"`, n + 3, n + 3, localcloud.TCSSGeneratedEventID(n), nil},
		{"latest_found_time desc", `
  order_by = "latest_found_time"
  order    = "desc"`, n + 3, n + 3, newestByLatest, map[string]string{"By": "LatestFoundTime"}},
		{"rule_levels", `rule_levels = ["HIGH"]`, n + 3, high, "", nil},
		{"status and rule_levels", `
  status      = "EVENT_UNDEAL"
  rule_levels = ["HIGH"]`, undeal, undealHigh, "", nil},
		{"max_results", `max_results = 7`, n + 3, 7, "", nil},
		{"max_results zero", `max_results = 0`, n + 3, 0, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: n, TencentQuota: -1})
			checks := []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tcssListAddr, tfjsonpath.New("total_count"), i64(int64(tc.total))),
				statecheck.ExpectKnownValue(tcssListAddr, tfjsonpath.New("events"), knownvalue.ListSizeExact(tc.events)),
			}
			if tc.first == newestByLatest {
				tc.first = localcloud.TCSSGeneratedEventID(localcloud.TCSSNewestByLatest(srv.Now(), n))
			}
			if tc.first != "" {
				checks = append(checks, statecheck.ExpectKnownValue(tcssListAddr, tfjsonpath.New("events").AtSliceIndex(0).AtMapKey("id"), str(tc.first)))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:            tcssListConfig(srv, tc.body),
					ConfigStateChecks: checks,
					Check: func(*terraform.State) error {
						for _, r := range srv.Requests() {
							for k, want := range tc.filterParams {
								if r.Params[k] != want {
									return fmt.Errorf("request %v does not carry %s=%s", r.Params, k, want)
								}
							}
							for k := range r.Params {
								if k == "Filter.RuleLevel" || k == "MaxResults" {
									return fmt.Errorf("a client-side filter reached the server: %v", r.Params)
								}
							}
						}
						return nil
					},
				}},
			})
		})
	}
}

// newestByLatest stands for the event LatestFoundTime desc puts first, which
// depends on the server's clock.
const newestByLatest = "newest by latest_found_time"

func TestAccTCSSListUnderFaults(t *testing.T) {
	const n = 450
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: n, TencentQuota: -1})
	srv.SetFaults(localcloud.Tencent, localcloud.Faults{ThrottleEvery: 3, ServerErrorEvery: 5})
	var want []knownvalue.Check
	ids := []string{"5202566", localcloud.TCSSSparseEventID, localcloud.TCSSBadTreeEventID}
	for i := 1; i <= n; i++ {
		ids = append(ids, localcloud.TCSSGeneratedEventID(i))
	}
	sort.Strings(ids)
	for _, id := range ids {
		want = append(want, str(id))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: tcssListConfig(srv, "") + `
output "ids" {
  value = sort(data.cwpp_tcss_abnormal_processes.test.events[*].id)
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tcssListAddr, tfjsonpath.New("total_count"), i64(n+tcssFixedEvents)),
				statecheck.ExpectKnownOutputValue("ids", knownvalue.ListExact(want)),
			},
			Check: func(*terraform.State) error {
				faults := 0
				for _, r := range srv.Requests() {
					if r.Code == "RequestLimitExceeded" || r.Code == "InternalError" {
						faults++
					}
				}
				if faults == 0 {
					return fmt.Errorf("no fault was injected")
				}
				return nil
			},
		}},
	})
}

func TestAccTCSSListInvalidArguments(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: 10})
	var cases []planErrorCase
	for _, tc := range []struct{ name, body, want string }{
		{"unknown status", `status = "EVENT_NEW"`, `(?s)status.*value must be one of`},
		{"empty filter name", "filter {\n name = \"\"\n values = [\"x\"]\n}", `(?s)filter\[0\].name.*at least 1`},
		{"empty filter values", "filter {\n name = \"EventType\"\n values = []\n}", `(?s)filter\[0\].values.*at least 1`},
		{"empty filter value", "filter {\n name = \"EventType\"\n values = [\"\"]\n}", `(?s)filter\[0\].values.*at least 1`},
		{"misspelled filter key", "filter {\n nane = \"EventType\"\n values = [\"x\"]\n}", `An argument named "nane" is not expected here`},
		{"filter without name", "filter {\n values = [\"x\"]\n}", `The argument "name" is required`},
		{"bad order", `order = "up"`, `(?s)order.*value must be one of`},
		{"bad order_by", `order_by = "id"`, `(?s)order_by.*value must be one of`},
		{"bad rule level", `rule_levels = ["MEDIUM"]`, `(?s)rule_levels.*value must be one of`},
		{"negative max_results", `max_results = -1`, `(?s)Invalid max_results.*got -1`},
		{"status twice", "status = \"EVENT_UNDEAL\"\nfilter {\n name = \"Status\"\n values = [\"EVENT_DEALED\"]\n}", `(?s)Status given twice`},
	} {
		cases = append(cases, planErrorCase{tc.name, tcssListConfig(srv, tc.body), regexp.MustCompile(tc.want)})
	}
	expectPlanErrors(t, srv, cases)
}

// TestAccTCSSListThenDetail finds the unhandled HIGH events with the list and
// reads each one's detail with for_each.
func TestAccTCSSListThenDetail(t *testing.T) {
	const n = 60
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: n, TencentQuota: -1})
	want := map[string]knownvalue.Check{}
	defer func() {
		if len(want) < 5 {
			t.Errorf("only %d unhandled HIGH events: the test proves little", len(want))
		}
	}()
	for i := 1; i <= n; i++ {
		if localcloud.TCSSGeneratedStatus(i) == "EVENT_UNDEAL" && localcloud.TCSSGeneratedRuleLevel(i) == "HIGH" {
			want[localcloud.TCSSGeneratedEventID(i)] = i64(localcloud.TCSSGeneratedProcessID(i))
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: tcssListConfig(srv, `
  status      = "EVENT_UNDEAL"
  rule_levels = ["HIGH"]`) + `
data "cwpp_tcss_abnormal_process" "each" {
  for_each = toset(data.cwpp_tcss_abnormal_processes.test.events[*].id)
  event_id = each.value
}
output "pids" {
  value = { for id, e in data.cwpp_tcss_abnormal_process.each : id => e.process_info.process_id }
}`,
			// terraform-plugin-testing cannot shim for_each instances into its
			// legacy state: the step stops at the plan, where both data
			// sources are read, and checks the planned output.
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectKnownOutputValue("pids", knownvalue.MapExact(want)),
			}},
		}},
	})
}

// TestAccTCSSListConfigKnownAtApply: a status and a filter known only at
// apply pass validation at plan, and the read happens at apply.
func TestAccTCSSListConfigKnownAtApply(t *testing.T) {
	const n = 40
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: n, TencentQuota: -1})
	undeal := generated(n, func(i int) bool { return localcloud.TCSSGeneratedStatus(i) == "EVENT_UNDEAL" })
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(srv, tcssTestLimits, "") + `
resource "terraform_data" "later" {
  input = { status = "EVENT_UNDEAL", event_type = "MALICE_PROCESS_START" }
}
data "cwpp_tcss_abnormal_processes" "test" {
  status = terraform_data.later.output.status
  filter {
    name   = "EventType"
    values = [terraform_data.later.output.event_type]
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tcssListAddr, tfjsonpath.New("total_count"), i64(int64(undeal))),
			},
		}},
	})
}
