package localcloud_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// fixtureDoc has every kind of entry: a TCSS event with its own detail, one
// without (its detail comes from its fields), a detail that is not listed,
// explicit nulls and absent fields, HSS events under both process list keys.
const fixtureDoc = `{
  "tencentcloud": {
    "events": [
      {"Id": "tc-1", "FoundTime": "2026-11-30 09:00:00", "LatestFoundTime": "2026-11-30 10:00:00",
       "Status": "EVENT_UNDEAL", "MatchRuleLevel": "HIGH", "ClusterName": "prod", "ImageName": null,
       "EventCount": 3, "RuleExist": true, "PublicIP": null, "ProcessPath": "/usr/bin/nc", "MatchAction": "RULE_MODE_ALERT"},
      {"Id": "tc-2", "FoundTime": "2026-11-29 08:30:00", "Status": "EVENT_DEALED", "MatchRuleLevel": "LOW"}
    ],
    "details": {
      "tc-1": {"EventBaseInfo": {"EventId": "E-1", "FoundTime": "2026-11-30 09:00:00", "HostIP": null},
               "ProcessInfo": {"ProcessName": "nc", "ProcessId": 4242, "ProcessTree": "nc(4242)|bash(4241)|systemd(1)"},
               "ParentProcessInfo": null,
               "EventDetail": {"OperationTime": "2026-11-30 11:00:00", "MatchRule": {"RuleLevel": "HIGH"}},
               "RequestId": "pasted-from-tccli"},
      "tc-3": {"EventBaseInfo": {"EventId": "E-3", "FoundTime": "2026-11-28 07:00:00", "Status": "EVENT_INGNORE"},
               "EventDetail": {"MatchRule": {"RuleLevel": "MIDDLE", "RuleMode": "RULE_MODE_HOLDUP"}}}
    }
  },
  "huaweicloud": {
    "events": [
      {"event_id": "hw-1", "occur_time": 1796000400000, "severity": "Critical", "host_name": "web-1",
       "handle_status": "unhandled", "handle_time": null, "private_ip": "192.168.0.5",
       "resource_info": {"host_ip": "10.0.0.5", "enterprise_project_id": "0"},
       "process_info": [{"process_name": "curl", "process_pid": 77, "process_start_time": 1796000300}]},
      {"event_id": "hw-2", "occur_time": 1795903200000, "severity": "Low",
       "handle_status": "handled", "handle_time": 1795906800000,
       "resource_info": {"host_name": "db-1"},
       "process_info_list": [{"process_name": "login", "process_start_time": 1795902000000}]}
    ]
  }
}`

// recorder is a proxy in front of the local cloud that keeps every response
// body, so the tests see the JSON as served while the provider's clients sign
// the requests. The Host the clients signed passes through unchanged.
type recorder struct {
	mu     sync.Mutex
	bodies [][]byte
}

func startRecorder(t *testing.T, target string) (*recorder, string) {
	t.Helper()
	u, _ := url.Parse(target)
	rec := &recorder{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		rec.mu.Lock()
		rec.bodies = append(rec.bodies, body)
		rec.mu.Unlock()
		return nil
	}
	front := httptest.NewServer(proxy)
	t.Cleanup(front.Close)
	return rec, front.URL
}

func (r *recorder) last(t *testing.T) map[string]any {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	return decodeJSON(t, r.bodies[len(r.bodies)-1])
}

func decodeJSON(t *testing.T, data []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, data)
	}
	return v
}

// fixture is one entry of fixtureDoc, by path such as tencentcloud.details.tc-1.
func fixture(t *testing.T, path ...string) any {
	t.Helper()
	var v any = decodeJSON(t, []byte(fixtureDoc))
	for _, k := range path {
		switch c := v.(type) {
		case map[string]any:
			v = c[k]
		case []any:
			i := map[string]int{"0": 0, "1": 1}[k]
			v = c[i]
		}
	}
	return v
}

func mustEqualJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("%s served as\n%s\nwant\n%s", what, g, w)
	}
}

func startWithFixtures(t *testing.T, doc string) (*localcloud.Server, *tencentcloud.Client, *huaweicloud.Client, *recorder) {
	t.Helper()
	f, err := localcloud.ParseFixtures("fixtures.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	srv := localcloud.StartForTest(t, localcloud.Config{Fixtures: f, TencentQuota: -1, TCSSEvents: 50, HSSEvents: 50})
	rec, front := startRecorder(t, srv.URL())
	tc, err := tencentcloud.NewClient(tencentcloud.Config{
		SecretID: localcloud.TencentSecretID, SecretKey: localcloud.TencentSecretKey, Region: "ap-guangzhou",
		Endpoint: front, RequestsPerSecond: 100,
	})
	if err != nil {
		t.Fatal(err)
	}
	hw, err := huaweicloud.NewClient(huaweicloud.Config{
		AccessKey: localcloud.HuaweiAccessKey, SecretKey: localcloud.HuaweiSecretKey, Region: "cn-north-4",
		ProjectID: localcloud.HuaweiProjectID, Endpoint: front, RequestsPerSecond: 100,
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv, tc, hw, rec
}

func TestFixturesServedExactly(t *testing.T) {
	_, tc, hw, rec := startWithFixtures(t, fixtureDoc)
	ctx := context.Background()

	// The list: the two events as written, then the unlisted detail's entry,
	// newest first; nothing generated (TCSSEvents is ignored) and no reference.
	if _, err := tc.DescribeAbnormalProcessEvents(ctx, "", tencentcloud.DescribeAbnormalProcessEventsRequest{Limit: ptr(uint64(100))}); err != nil {
		t.Fatal(err)
	}
	list := rec.last(t)["Response"].(map[string]any)
	if list["TotalCount"] != json.Number("3") {
		t.Fatalf("TotalCount %v, want 3", list["TotalCount"])
	}
	set := list["EventSet"].([]any)
	mustEqualJSON(t, "tc-1 in the list", set[0], fixture(t, "tencentcloud", "events", "0"))
	mustEqualJSON(t, "tc-2 in the list", set[1], fixture(t, "tencentcloud", "events", "1"))
	mustEqualJSON(t, "tc-3, listed from its detail", set[2], map[string]any{
		"Id": "tc-3", "FoundTime": "2026-11-28 07:00:00", "Status": "EVENT_INGNORE", "MatchRuleLevel": "MIDDLE",
		"MatchAction": "RULE_MODE_HOLDUP", "RuleExist": true, "Behavior": "BEHAVIOR_HOLDUP_SUCCESSED",
	})

	detail := func(id string) map[string]any {
		t.Helper()
		if _, err := tc.DescribeAbnormalProcessDetail(ctx, "", id); err != nil {
			t.Fatalf("detail %s: %v", id, err)
		}
		resp := rec.last(t)["Response"].(map[string]any)
		if resp["RequestId"] == "pasted-from-tccli" || resp["RequestId"] == nil {
			t.Errorf("detail %s: RequestId %v, want the server's own", id, resp["RequestId"])
		}
		delete(resp, "RequestId")
		return resp
	}
	want := fixture(t, "tencentcloud", "details", "tc-1").(map[string]any)
	delete(want, "RequestId")
	mustEqualJSON(t, "the detail of tc-1", detail("tc-1"), want)
	mustEqualJSON(t, "the detail of tc-3", detail("tc-3"), fixture(t, "tencentcloud", "details", "tc-3"))
	// tc-2 has no detail: the call answers from its list fields.
	mustEqualJSON(t, "the detail of tc-2, from its list fields", detail("tc-2"), map[string]any{
		"EventBaseInfo": map[string]any{"EventId": "tc-2", "FoundTime": "2026-11-29 08:30:00", "Status": "EVENT_DEALED"},
		"EventDetail":   map[string]any{"MatchRule": map[string]any{"RuleLevel": "LOW"}},
	})
	if _, err := tc.DescribeAbnormalProcessDetail(ctx, "", localcloud.TCSSReferenceEventID); tencentCode(err) != "ResourceNotFound" {
		t.Errorf("the reference event with fixtures: %v, want ResourceNotFound", err)
	}

	// Filters and ordering work on fixtures.
	page, err := tc.DescribeAbnormalProcessEvents(ctx, "", tencentcloud.DescribeAbnormalProcessEventsRequest{
		Limit: ptr(uint64(10)), By: ptr("FoundTime"), Order: ptr("asc"),
		Filters: []*tencentcloud.RunTimeFilters{{Name: ptr("Status"), Values: []*string{ptr("EVENT_UNDEAL"), ptr("EVENT_INGNORE")}, ExactMatch: ptr(true)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(page.EventSet); !reflect.DeepEqual(got, []string{"tc-3", "tc-1"}) {
		t.Errorf("Status filter, FoundTime asc: %v, want [tc-3 tc-1]", got)
	}

	// HSS: both events as written, newest first; the filters apply.
	begin, end := int64(1795880000000), int64(1796040000000)
	if _, err := hw.ListAppWhitelistEventPage(ctx, huaweicloud.Target{}, &huaweicloud.ListAppWhitelistEventRequest{
		BeginTime: &begin, EndTime: &end, Limit: 200,
	}); err != nil {
		t.Fatal(err)
	}
	hss := rec.last(t)
	if hss["total_num"] != json.Number("2") {
		t.Fatalf("total_num %v, want 2", hss["total_num"])
	}
	events := hss["data_list"].([]any)
	mustEqualJSON(t, "hw-1", events[0], fixture(t, "huaweicloud", "events", "0"))
	mustEqualJSON(t, "hw-2", events[1], fixture(t, "huaweicloud", "events", "1"))
	for _, f := range []struct {
		name string
		req  huaweicloud.ListAppWhitelistEventRequest
		want []string
	}{
		{"host_name", huaweicloud.ListAppWhitelistEventRequest{HostName: ptr("web-1")}, []string{"hw-1"}},
		{"host_name from resource_info", huaweicloud.ListAppWhitelistEventRequest{HostName: ptr("db-1")}, []string{"hw-2"}},
		{"host_ip", huaweicloud.ListAppWhitelistEventRequest{HostIP: ptr("10.0.0.5")}, []string{"hw-1"}},
		{"private_ip", huaweicloud.ListAppWhitelistEventRequest{PrivateIP: ptr("192.168.0.5")}, []string{"hw-1"}},
		{"handle_status", huaweicloud.ListAppWhitelistEventRequest{HandleStatus: ptr("handled")}, []string{"hw-2"}},
		{"a range before both", huaweicloud.ListAppWhitelistEventRequest{BeginTime: ptr(begin - 1000), EndTime: ptr(begin)}, nil},
	} {
		req := f.req
		req.Limit = 200
		if req.BeginTime == nil {
			req.BeginTime, req.EndTime = &begin, &end
		}
		resp, err := hw.ListAppWhitelistEventPage(ctx, huaweicloud.Target{}, &req)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		var got []string
		for _, e := range resp.DataList {
			got = append(got, *e.EventID)
		}
		if !reflect.DeepEqual(got, f.want) {
			t.Errorf("%s: %v, want %v", f.name, got, f.want)
		}
	}
}

func TestFixturesNowMovesEveryTime(t *testing.T) {
	doc := strings.Replace(fixtureDoc, "{\n  \"tencentcloud\"", "{\n  \"now\": \"2026-11-30T12:00:00+08:00\",\n  \"tencentcloud\"", 1)
	srv, tc, hw, rec := startWithFixtures(t, doc)
	ctx := context.Background()
	shift := srv.Now().Sub(time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC)).Round(time.Second)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	tcss := func(s string) string {
		at, _ := time.ParseInLocation(time.DateTime, s, shanghai)
		return at.Add(shift).In(shanghai).Format(time.DateTime)
	}
	ms := func(v int64) json.Number { return json.Number(strconv.FormatInt(v+shift.Milliseconds(), 10)) }

	if _, err := tc.DescribeAbnormalProcessEvents(ctx, "", tencentcloud.DescribeAbnormalProcessEventsRequest{Limit: ptr(uint64(100))}); err != nil {
		t.Fatal(err)
	}
	first := rec.last(t)["Response"].(map[string]any)["EventSet"].([]any)[0].(map[string]any)
	if first["FoundTime"] != tcss("2026-11-30 09:00:00") || first["LatestFoundTime"] != tcss("2026-11-30 10:00:00") {
		t.Errorf("tc-1 found %v latest %v; want %s and %s (moved by %s)", first["FoundTime"], first["LatestFoundTime"],
			tcss("2026-11-30 09:00:00"), tcss("2026-11-30 10:00:00"), shift)
	}
	if _, err := tc.DescribeAbnormalProcessDetail(ctx, "", "tc-1"); err != nil {
		t.Fatal(err)
	}
	d := rec.last(t)["Response"].(map[string]any)
	base, desc := d["EventBaseInfo"].(map[string]any), d["EventDetail"].(map[string]any)
	if base["FoundTime"] != tcss("2026-11-30 09:00:00") || desc["OperationTime"] != tcss("2026-11-30 11:00:00") {
		t.Errorf("tc-1's detail: found %v, operation %v", base["FoundTime"], desc["OperationTime"])
	}

	// The HSS events are recent now: last_days = 1 sees the one 3 hours before "now".
	lastDays := int32(1)
	if _, err := hw.ListAppWhitelistEventPage(ctx, huaweicloud.Target{}, &huaweicloud.ListAppWhitelistEventRequest{LastDays: &lastDays, Limit: 200}); err != nil {
		t.Fatal(err)
	}
	events := rec.last(t)["data_list"].([]any)
	if len(events) != 1 {
		t.Fatalf("last_days = 1: %d events, want hw-1 alone", len(events))
	}
	hw1 := events[0].(map[string]any)
	proc := hw1["process_info"].([]any)[0].(map[string]any)
	if hw1["occur_time"] != ms(1796000400000) || hw1["handle_time"] != nil ||
		proc["process_start_time"] != json.Number(strconv.FormatInt(1796000300+int64(shift.Seconds()), 10)) {
		t.Errorf("hw-1: occur_time %v, handle_time %v, process_start_time %v; want %v, null, seconds moved by %s",
			hw1["occur_time"], hw1["handle_time"], proc["process_start_time"], ms(1796000400000), shift)
	}
}

func TestFixturesStrictDecoding(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"not JSON", `{"tencentcloud": `, `f.json:1:18: not JSON: unexpected EOF`},
		{"a misspelled top key", `{"tencentclod": {}}`, `f.json: unknown field "tencentclod" at the top of the file: did you mean "tencentcloud"?`},
		{"a misspelled event field", `{"tencentcloud": {"events": [{"Id": "a", "FondTime": "2026-11-30 09:00:00"}]}}`,
			`f.json: unknown field "FondTime" in tencentcloud.events[0]: did you mean "FoundTime"?`},
		{"a field in the wrong case", `{"huaweicloud": {"events": [{"event_id": "a", "Severity": "High"}]}}`,
			`f.json: unknown field "Severity" in huaweicloud.events[0]: did you mean "severity"?`},
		{"a nested field", `{"tencentcloud": {"details": {"a": {"EventBaseInfo": {"EventID": "a"}}}}}`,
			`f.json: unknown field "EventID" in tencentcloud.details["a"].EventBaseInfo: did you mean "EventId"?`},
		{"a field nothing like the API's", `{"huaweicloud": {"events": [{"resource_info": {"colour": "red"}}]}}`,
			`f.json: unknown field "colour" in huaweicloud.events[0].resource_info (the fields there are domain_id, project_id,`},
		{"a number as a string", `{"tencentcloud": {"events": [{"Id": "a", "EventCount": "2"}]}}`,
			`f.json: tencentcloud.events[0].EventCount must be a number, not "2"`},
		{"a fraction", `{"huaweicloud": {"events": [{"occur_time": 1.5}]}}`,
			`f.json: huaweicloud.events[0].occur_time must be a whole number that fits int64, not 1.5`},
		{"a list where an object goes", `{"huaweicloud": {"events": {"event_id": "a"}}}`,
			`f.json: huaweicloud.events must be an array, not an object`},
		{"an event without Id", `{"tencentcloud": {"events": [{"Status": "EVENT_UNDEAL"}]}}`,
			`f.json: tencentcloud.events[0]: Id is required`},
		{"a bad now", `{"now": "2026-11-30 12:00:00"}`, `f.json: now must be an RFC 3339 time such as 2026-11-30T12:00:00Z, not "2026-11-30 12:00:00"`},
		{"a TCSS time now cannot move", `{"now": "2026-11-30T12:00:00Z", "tencentcloud": {"events": [{"Id": "a", "FoundTime": "2026-11-30T09:00:00Z"}]}}`,
			`f.json: tencentcloud.events[0].FoundTime: "2026-11-30T09:00:00Z" is not a TCSS time such as "2026-11-30 09:00:00"`},
		{"the same id twice", `{"tencentcloud": {"events": [{"Id": "a"}, {"Id": "a"}]}}`,
			`f.json: tencentcloud.events[1]: the TCSS event "a" is also in f.json at tencentcloud.events[0]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := localcloud.ParseFixtures("f.json", []byte(tc.doc))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got %v\nwant %s...", err, tc.want)
			}
		})
	}

	// Across files: each file's own name in the message.
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	_ = os.WriteFile(a, []byte(`{"huaweicloud": {"events": [{"event_id": "hw-1"}]}}`), 0o600)
	_ = os.WriteFile(b, []byte(`{"huaweicloud": {"events": [{"event_id": "hw-2"}, {"event_id": "hw-1"}]}}`), 0o600)
	_, err := localcloud.LoadFixtures(a, b)
	if want := b + `: huaweicloud.events[1]: the HSS event "hw-1" is also in ` + a + ` at huaweicloud.events[0]`; err == nil || err.Error() != want {
		t.Errorf("a duplicate across files: %v\nwant %s", err, want)
	}
}

// TestREADMEFixtureParses keeps the fixture example users copy from the
// README valid, and the examples' fixtures too.
func TestREADMEFixtureParses(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "## Testing your policies")
	_, block, ok := strings.Cut(section, "```json\n")
	block, _, _ = strings.Cut(block, "```")
	if !ok {
		t.Fatal("no json block in the README's Testing your policies")
	}
	f, err := localcloud.ParseFixtures("README.md", []byte(block))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := localcloud.LoadFixtures("../../examples/testing/fixtures/clean.json", "../../examples/testing/fixtures/dirty.json"); err != nil {
		t.Fatal(err)
	}
	srv := localcloud.StartForTest(t, localcloud.Config{Fixtures: f})
	c := tencentClient(t, srv, localcloud.TencentSecretKey)
	d, err := c.DescribeAbnormalProcessDetail(context.Background(), "", "tc-1")
	if err != nil || *d.ProcessInfo.ProcessName != "nc" {
		t.Fatalf("the README's tc-1: %v", err)
	}
}
