package provider

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

const hssAddr = "data.cwpp_hss_app_whitelist_events.test"

// Fast enough for tests, still through the limiter.
const hssTestLimits = "requests_per_second = 200"

func hssConfig(srv *localcloud.Server, body string) string {
	return providerConfig(srv, "", hssTestLimits) + "data \"cwpp_hss_app_whitelist_events\" \"test\" {\n" + body + "\n}\n"
}

// eventAttributes returns the nested attributes of one event in the schema.
func eventAttributes(t *testing.T) map[string]schema.Attribute {
	t.Helper()
	var resp datasource.SchemaResponse
	NewHSSAppWhitelistEventsDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	events, ok := resp.Schema.Attributes["events"].(schema.ListNestedAttribute)
	if !ok {
		t.Fatal("events is not a list of nested objects")
	}
	return events.NestedObject.Attributes
}

// objectWith expects exactly the present values and null for every other
// attribute of the schema: a field the API left out must be null.
func objectWith(t *testing.T, attrs map[string]schema.Attribute, present map[string]knownvalue.Check) knownvalue.Check {
	t.Helper()
	all := map[string]knownvalue.Check{}
	for name := range attrs {
		all[name] = knownvalue.Null()
	}
	for name, check := range present {
		if _, ok := attrs[name]; !ok {
			t.Fatalf("the test expects %q, which the schema does not have", name)
		}
		all[name] = check
	}
	return knownvalue.ObjectExact(all)
}

func i64(v int64) knownvalue.Check { return knownvalue.Int64Exact(v) }

func TestAccHSSReferenceEvent(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 20})
	attrs := eventAttributes(t)
	resourceAttrs := attrs["resource_info"].(schema.SingleNestedAttribute).Attributes
	processAttrs := attrs["process_info"].(schema.ListNestedAttribute).NestedObject.Attributes
	detailAttrs := attrs["operate_detail_list"].(schema.ListNestedAttribute).NestedObject.Attributes

	event := objectWith(t, attrs, map[string]knownvalue.Check{
		"severity": str("High"), "event_id": str("4517fc****-a0ad-11ef-9ac9-********"),
		"event_class_id": str("appwl_1001"), "event_type": i64(3040), "event_name": str("Untrusted process running"),
		"host_id": str("4517fc**-be4f-4cbe-9467-******"), "attack_phase": str("installation"),
		"attack_tag": str("abnormal_behavior"), "occur_time": i64(1731385152000),
		"occur_time_rfc3339": str("2024-11-12T04:19:12Z"), "handle_status": str("unhandled"),
		"operate_accept_list": knownvalue.ListExact([]knownvalue.Check{str("add_to_app_whitelist")}),
		"operate_detail_list": knownvalue.ListExact([]knownvalue.Check{objectWith(t, detailAttrs, map[string]knownvalue.Check{
			"agent_id":    str("3ed2e2aa24b******1231324********8c28f59cae2780e7bf6adf4e"),
			"process_pid": i64(1549), "file_path": str("/usr/bin/login"),
		})}),
		"resource_info": objectWith(t, resourceAttrs, map[string]knownvalue.Check{
			"project_id": str("84b52****e489fa6549888832dc62"), "enterprise_project_id": str("0"),
			"region_name": str("cn-north-7"), "host_name": str("ecs-hce"), "host_ip": str("192.168.0.178"),
			"public_ip": str("100.93.9.43"), "host_id": str("2c9****09-be4f-4cbe-9467-73b****8e48f"),
			"asset_value": str("common"), "cloud_id": str(""), "vm_name": str("ecs-hce"),
			"vm_uuid": str("2c****e09-be4f-4cbe-9467-73b80****e48f"), "os_type": str("Linux"),
			"os_name": str("HCE"), "os_version": str("2.0"),
		}),
		// The reference's example names the list process_info_list.
		"process_info": knownvalue.ListExact([]knownvalue.Check{objectWith(t, processAttrs, map[string]knownvalue.Check{
			"process_name": str("login"), "process_path": str("/usr/bin/login"), "process_pid": i64(1549),
			"process_uid": i64(0), "process_cmdline": str("login -- root"), "process_filename": str("login"),
			"process_start_time": i64(1719820957), "parent_process_name": str("systemd"),
			"parent_process_path": str("/usr/lib/systemd/systemd"), "parent_process_pid": i64(1),
			"parent_process_cmdline": str("/usr/lib/systemd/systemd --switched-root --system --deserialize 16"),
			"process_file_hash":      str("d0364db3f6****d969c4475705d57154df518d0560****21abd34ca"),
		})}),
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: hssConfig(srv, `
  begin_time = "2024-11-11T00:00:00Z"
  end_time   = "2024-11-13T00:00:00Z"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("total_num"), i64(1)),
				statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("events"), knownvalue.ListExact([]knownvalue.Check{event})),
			},
		}},
	})
}

// checkReads checks that every read so far made exactly perRead requests, of
// which firstPages had offset 0 (one per time window).
func checkReads(srv *localcloud.Server, firstPages, perRead int) error {
	reqs := srv.Requests()
	first := 0
	for _, r := range reqs {
		if r.Cloud == localcloud.Huawei && r.Params["offset"] == "0" {
			first++
		}
	}
	reads := first / firstPages
	if reads == 0 || first%firstPages != 0 || len(reqs) != reads*perRead {
		return fmt.Errorf("%d requests with %d first pages: not %d reads of %d requests each", len(reqs), first, reads, perRead)
	}
	return nil
}

func TestAccHSSLastDaysReadsEveryPageOnce(t *testing.T) {
	const n = 1234
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: n})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: hssConfig(srv, `last_days = 30`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("total_num"), i64(n)),
				statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("events"), knownvalue.ListSizeExact(n)),
			},
			Check: resource.ComposeTestCheckFunc(
				checkNewestFirstAndUnique(n),
				func(*terraform.State) error {
					// last_days is sent as 15 windows of 2 days, each of
					// about 82 events: one page each, none past the last.
					if err := checkReads(srv, 15, 15); err != nil {
						return err
					}
					for _, r := range srv.Requests() {
						begin, _ := strconv.ParseInt(r.Params["begin_time"], 10, 64)
						end, _ := strconv.ParseInt(r.Params["end_time"], 10, 64)
						if r.Params["limit"] != "200" || r.Params["offset"] != "0" || r.Params["last_days"] != "" ||
							begin == 0 || end-begin > (48*time.Hour).Milliseconds() {
							return fmt.Errorf("unexpected request %v", r.Params)
						}
					}
					return nil
				},
			),
		}},
	})
}

// checkNewestFirstAndUnique checks the order and uniqueness of the events in state.
func checkNewestFirstAndUnique(n int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[hssAddr].Primary.Attributes
		seen := map[string]bool{}
		last := int64(1 << 62)
		for i := range n {
			id := attrs[fmt.Sprintf("events.%d.event_id", i)]
			occur, _ := strconv.ParseInt(attrs[fmt.Sprintf("events.%d.occur_time", i)], 10, 64)
			if seen[id] {
				return fmt.Errorf("event %s appears twice", id)
			}
			if occur > last {
				return fmt.Errorf("event %d (%s) is newer than the one before it", i, id)
			}
			seen[id], last = true, occur
		}
		return nil
	}
}

func TestAccHSSLongRangeIsSplitIntoWindows(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 1234})
	end := time.Now().Add(-time.Hour).Truncate(time.Second).UTC()
	begin := end.Add(-9 * 24 * time.Hour)
	b, e := begin.UnixMilli(), end.UnixMilli()
	twoDays := (48 * time.Hour).Milliseconds()
	// Events on every window boundary, and just outside the range.
	srv.AddHSSEventsAt(b, b+twoDays, b+twoDays+1, e, b-1, e+1)

	var want []knownvalue.Check
	for id, occur := range srv.HSSEventTimes() {
		if occur >= b && occur <= e {
			want = append(want, str(id))
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: hssConfig(srv, fmt.Sprintf(`
  begin_time = %q
  end_time   = %q`, begin.Format(time.RFC3339), end.Format(time.RFC3339))) + `
output "ids" {
  value = [for e in data.cwpp_hss_app_whitelist_events.test.events : e.event_id]
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("total_num"), i64(int64(len(want)))),
				statecheck.ExpectKnownOutputValue("ids", knownvalue.SetExact(want)),
			},
			Check: resource.ComposeTestCheckFunc(checkNewestFirstAndUnique(len(want)), func(*terraform.State) error {
				if err := checkReads(srv, 5, 5); err != nil {
					return err
				}
				return checkWindows(srv.Requests(), b, e, 5)
			}),
		}},
	})
}

// checkWindows checks that the requests' windows tile [b, e] without overlap.
func checkWindows(reqs []localcloud.Request, b, e int64, count int) error {
	windows := map[[2]int64]bool{}
	for _, r := range reqs {
		wb, _ := strconv.ParseInt(r.Params["begin_time"], 10, 64)
		we, _ := strconv.ParseInt(r.Params["end_time"], 10, 64)
		windows[[2]int64{wb, we}] = true
	}
	var list [][2]int64
	for w := range windows {
		list = append(list, w)
	}
	sort.Slice(list, func(i, j int) bool { return list[i][0] < list[j][0] })
	if len(list) != count {
		return fmt.Errorf("%d windows, want %d: %v", len(list), count, list)
	}
	next := b
	for _, w := range list {
		if w[0] != next || w[1]-w[0] > (48*time.Hour).Milliseconds() {
			return fmt.Errorf("windows %v do not tile the range from %d", list, b)
		}
		next = w[1] // consecutive windows share their boundary millisecond
	}
	if list[len(list)-1][1] != e {
		return fmt.Errorf("the last window ends at %d, not %d", list[len(list)-1][1], e)
	}
	return nil
}

func TestAccHSSFilters(t *testing.T) {
	const n = 400
	// count of generated events i < n with pred(i).
	count := func(pred func(i int) bool) int64 {
		c := int64(0)
		for i := range n {
			if pred(i) {
				c++
			}
		}
		return c
	}
	cases := []struct {
		name, body string
		param      string // query parameter the filter must send, "" for client-side filters
		value      string
		total      int64 // total_num
		events     int64
	}{
		{"host_name", `host_name = "db-1"`, "host_name", "db-1", count(func(i int) bool { return i%4 == 2 }), count(func(i int) bool { return i%4 == 2 })},
		{"host_ip", fmt.Sprintf("host_ip = %q", localcloud.HSSGeneratedHostIP(1)), "host_ip", localcloud.HSSGeneratedHostIP(1), count(func(i int) bool { return i%4 == 1 }), count(func(i int) bool { return i%4 == 1 })},
		{"private_ip", fmt.Sprintf("private_ip = %q", localcloud.HSSGeneratedPrivateIP(3)), "private_ip", localcloud.HSSGeneratedPrivateIP(3), count(func(i int) bool { return i%4 == 3 }), count(func(i int) bool { return i%4 == 3 })},
		{"handle_status", `handle_status = "handled"`, "handle_status", "handled", count(func(i int) bool { return i%3 == 0 }), count(func(i int) bool { return i%3 == 0 })},
		{"enterprise_project_id", `enterprise_project_id = "all_granted_eps"`, "enterprise_project_id", "all_granted_eps", n, n},
		{"severities", `severities = ["High", "Critical"]`, "", "", n, count(func(i int) bool { return i%5 >= 3 })},
		{"max_results", `max_results = 25`, "", "", n, 25},
		{"severities and max_results", `
  severities  = ["Security"]
  max_results = 1000`, "", "", n, count(func(i int) bool { return i%5 == 0 })},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: n})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config: hssConfig(srv, "last_days = 30\n"+tc.body),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("total_num"), i64(tc.total)),
						statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("events"), knownvalue.ListSizeExact(int(tc.events))),
					},
					Check: func(*terraform.State) error {
						for _, r := range srv.Requests() {
							got, sent := r.Params[tc.param]
							if tc.param != "" && got != tc.value {
								return fmt.Errorf("request %v does not carry %s=%s", r.Params, tc.param, tc.value)
							}
							if tc.param == "" && sent {
								return fmt.Errorf("a client-side filter reached the server: %v", r.Params)
							}
							for _, p := range []string{"severities", "max_results"} {
								if _, ok := r.Params[p]; ok {
									return fmt.Errorf("client-side %s reached the server: %v", p, r.Params)
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

func TestAccHSSInvalidArguments(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 10})
	arguments := []struct{ name, body, want string }{
		{"no time range", `host_name = "web-1"`, `(?s)Missing time range.*A time range is either last_days \(such as last_days = 7, the last 7 days\) or begin_time and end_time.*set one of them`},
		{"last_days and a range", `
  last_days  = 3
  begin_time = "2026-01-01T00:00:00Z"
  end_time   = "2026-01-02T00:00:00Z"`, `(?s)Two time ranges.*A time range is either last_days.*not both: remove last_days, or begin_time and end_time`},
		{"begin without end", `begin_time = "2026-01-01T00:00:00Z"`, `(?s)must be configured together: \[begin_time,end_time\]`},
		{"end without begin", `end_time = "2026-01-01T00:00:00Z"`, `(?s)must be configured together: \[begin_time,end_time\]`},
		{"last_days with end only", `
  last_days = 3
  end_time  = "2026-01-02T00:00:00Z"`, `(?s)Two time ranges`},
		{"last_days zero", `last_days = 0`, `(?s)Invalid last_days.*last_days must be at least 1: a whole number of days from 1 to 30, such as 7; got 0\.`},
		{"last_days negative", `last_days = -3`, `(?s)Invalid last_days.*last_days must be at least 1.*got -3\.`},
		{"max_results past int64", "last_days = 1\n  max_results = 1e30", `(?s)Invalid max_results.*max_results must be a whole number from 0 to 9223372036854775807, such as 1000 \(0 keeps only summary\); got 1e\+30\.`},
		{"last_days 31", `last_days = 31`, `(?s)Invalid last_days.*from 1 to 30 days.*got 31`},
		{"begin not RFC 3339", `
  begin_time = "2026-01-01 00:00:00"
  end_time   = "2026-01-02T00:00:00Z"`, `(?s)Invalid begin_time.*must be an RFC 3339 time`},
		{"end without a zone", `
  begin_time = "2026-01-01T00:00:00Z"
  end_time   = "2026-01-02T00:00:00"`, `(?s)Invalid end_time.*must be an RFC 3339 time`},
		{"begin equals end", `
  begin_time = "2026-01-02T00:00:00Z"
  end_time   = "2026-01-02T00:00:00Z"`, `(?s)Invalid time range.*end_time.*must be after begin_time`},
		{"begin after end", `
  begin_time = "2026-01-03T00:00:00+08:00"
  end_time   = "2026-01-02T00:00:00Z"`, `(?s)Invalid time range`},
		{"bad handle_status", `
  last_days     = 3
  handle_status = "done"`, `(?s)handle_status.*value must be one of`},
		{"bad severity", `
  last_days  = 3
  severities = ["High", "Severe"]`, `(?s)severities.*value must be one of`},
		{"empty severities", `
  last_days  = 3
  severities = []`, `(?s)severities.*at least 1`},
		{"max_results negative", `
  last_days   = 3
  max_results = -1`, `(?s)Invalid max_results.*got -1\.`},
		{"empty host_name", `
  last_days = 3
  host_name = ""`, `(?s)host_name.*length must be between 1 and 256`},
		{"private_ip too long", fmt.Sprintf(`
  last_days  = 3
  private_ip = %q`, strings.Repeat("1", 129)), `(?s)private_ip.*length must be between 1 and 128`},
		{"empty project_id", `
  last_days  = 3
  project_id = ""`, `(?s)project_id.*length must be between 1 and 256`},
		{"empty enterprise_project_id", `
  last_days             = 3
  enterprise_project_id = ""`, `(?s)enterprise_project_id.*length`},
	}
	var cases []planErrorCase
	for _, tc := range arguments {
		cases = append(cases, planErrorCase{tc.name, hssConfig(srv, tc.body), wrapped(tc.want)})
	}
	expectPlanErrors(t, srv, cases)
}

// The windows unit test lives beside the acceptance tests so the boundary
// rule is stated once, in numbers: consecutive windows share their boundary
// millisecond, since the reference does not say whether end_time is inclusive.
func TestWindowsBoundaries(t *testing.T) {
	begin := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ms := func(d time.Duration) int64 { return begin.Add(d).UnixMilli() }
	got := huaweicloud.Windows(begin, begin.Add(9*24*time.Hour))
	want := []huaweicloud.Window{
		{BeginMs: ms(0), EndMs: ms(48 * time.Hour)},
		{BeginMs: ms(48 * time.Hour), EndMs: ms(96 * time.Hour)},
		{BeginMs: ms(96 * time.Hour), EndMs: ms(144 * time.Hour)},
		{BeginMs: ms(144 * time.Hour), EndMs: ms(192 * time.Hour)},
		{BeginMs: ms(192 * time.Hour), EndMs: ms(216 * time.Hour)},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Windows = %v, want %v", got, want)
	}
	if n := len(huaweicloud.Windows(begin, begin.Add(30*24*time.Hour))); n != 15 {
		t.Errorf("30 days: %d windows, want 15", n)
	}
	if n := len(huaweicloud.Windows(begin, begin.Add(48*time.Hour))); n != 1 {
		t.Errorf("exactly 2 days: %d windows, want 1", n)
	}
}
