package localcloud_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// TestFixturesValuesChecked: the values policies key on are checked against
// the APIs' documented sets, with the field's path and the allowed values; a
// case variant gets a did-you-mean; seconds where the API sends
// milliseconds are refused with the millisecond form.
func TestFixturesValuesChecked(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"a rule level in the wrong case", `{"tencentcloud": {"events": [{"Id": "a", "MatchRuleLevel": "High"}]}}`,
			`f.json: tencentcloud.events[0].MatchRuleLevel: "High" is not a TCSS rule level; did you mean "HIGH"? (HIGH, MIDDLE, LOW)`},
		{"a status spelled as English", `{"tencentcloud": {"events": [{"Id": "a", "Status": "EVENT_IGNORE"}]}}`,
			`f.json: tencentcloud.events[0].Status: "EVENT_IGNORE" is not a TCSS status; did you mean "EVENT_INGNORE"? (EVENT_UNDEAL, EVENT_DEALED, EVENT_INGNORE)`},
		{"an unknown status", `{"tencentcloud": {"events": [{"Id": "a", "Status": "OPEN"}]}}`,
			`f.json: tencentcloud.events[0].Status: "OPEN" is not a TCSS status (EVENT_UNDEAL, EVENT_DEALED, EVENT_INGNORE)`},
		{"a behavior", `{"tencentcloud": {"events": [{"Id": "a", "Behavior": "behavior_alert"}]}}`,
			`f.json: tencentcloud.events[0].Behavior: "behavior_alert" is not a TCSS behavior; did you mean "BEHAVIOR_ALERT"? (BEHAVIOR_NONE, BEHAVIOR_ALERT, BEHAVIOR_RELEASE, BEHAVIOR_HOLDUP_FAILED, BEHAVIOR_HOLDUP_SUCCESSED)`},
		{"a match action", `{"tencentcloud": {"events": [{"Id": "a", "MatchAction": "ALERT"}]}}`,
			`f.json: tencentcloud.events[0].MatchAction: "ALERT" is not a TCSS rule mode (RULE_MODE_ALERT, RULE_MODE_HOLDUP, RULE_MODE_RELEASE)`},
		{"a detail's status", `{"tencentcloud": {"details": {"a": {"EventBaseInfo": {"EventId": "a", "Status": "event_undeal"}}}}}`,
			`f.json: tencentcloud.details["a"].EventBaseInfo.Status: "event_undeal" is not a TCSS status; did you mean "EVENT_UNDEAL"?`},
		{"a detail's rule level", `{"tencentcloud": {"details": {"a": {"EventDetail": {"MatchRule": {"RuleLevel": "high"}}}}}}`,
			`f.json: tencentcloud.details["a"].EventDetail.MatchRule.RuleLevel: "high" is not a TCSS rule level; did you mean "HIGH"? (HIGH, MIDDLE, LOW)`},
		{"a detail's rule mode", `{"tencentcloud": {"details": {"a": {"EventDetail": {"MatchRule": {"RuleMode": "RULE_MODE_BLOCK"}}}}}}`,
			`f.json: tencentcloud.details["a"].EventDetail.MatchRule.RuleMode: "RULE_MODE_BLOCK" is not a TCSS rule mode`},
		{"a severity in the wrong case", `{"huaweicloud": {"events": [{"event_id": "a", "severity": "critical"}]}}`,
			`f.json: huaweicloud.events[0].severity: "critical" is not a HSS severity; did you mean "Critical"? (Security, Low, Medium, High, Critical)`},
		{"a handle status", `{"huaweicloud": {"events": [{"event_id": "a", "handle_status": "open"}]}}`,
			`f.json: huaweicloud.events[0].handle_status: "open" is not a HSS handle_status (unhandled, handled)`},
		{"occur_time in seconds", `{"huaweicloud": {"events": [{"event_id": "a", "occur_time": 1796000400}]}}`,
			`f.json: huaweicloud.events[0].occur_time 1796000400 looks like seconds; the API sends milliseconds, such as 1796000400000`},
		{"handle_time in seconds", `{"huaweicloud": {"events": [{"event_id": "a", "handle_time": 1796000400}]}}`,
			`f.json: huaweicloud.events[0].handle_time 1796000400 looks like seconds; the API sends milliseconds, such as 1796000400000`},
		{"a trailing comma", "{\"huaweicloud\": {\"events\": [\n  {\"event_id\": \"a\"},\n]}}",
			`f.json:3:1: not JSON: invalid character ']' looking for beginning of value`},
		{"cut short", "{\"tencentcloud\": {\n  \"events\": [", `f.json:2:14: not JSON: unexpected EOF`},
		{"an HSS response one level too high", `{"huaweicloud": {"total_num": 1, "data_list": []}}`,
			`f.json: a ListAppWhitelistEvent response ({"total_num": N, "data_list": [...]}) goes under huaweicloud.events, not huaweicloud itself`},
		{"a TCSS response one level too high", `{"tencentcloud": {"Response": {"EventSet": []}}}`,
			`f.json: a TCSS response goes under tencentcloud.events (DescribeAbnormalProcessEvents) or tencentcloud.details["<id>"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := localcloud.ParseFixtures("f.json", []byte(tc.doc))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got  %v\nwant %s...", err, tc.want)
			}
		})
	}
	// Times in milliseconds, documented values and nulls load.
	ok := `{"tencentcloud": {"events": [{"Id": "a", "Status": "EVENT_INGNORE", "MatchRuleLevel": null, "Behavior": "BEHAVIOR_HOLDUP_SUCCESSED", "MatchAction": "RULE_MODE_HOLDUP"}]},
	        "huaweicloud": {"events": [{"event_id": "b", "severity": "Security", "handle_status": "handled", "occur_time": 1796000400000, "handle_time": null}]}}`
	if _, err := localcloud.ParseFixtures("f.json", []byte(ok)); err != nil {
		t.Errorf("documented values refused: %v", err)
	}
}

// TestFixturesEnvelopes: each vendor envelope loads as its inside.
func TestFixturesEnvelopes(t *testing.T) {
	for _, tc := range []struct{ name, doc string }{
		{"a detail as the whole response", `{"tencentcloud": {"details": {"a": {"Response": {"EventBaseInfo": {"EventId": "a"}, "RequestId": "r-1"}}}}}`},
		{"the list as the whole response", `{"tencentcloud": {"events": {"Response": {"EventSet": [{"Id": "a"}], "TotalCount": 1, "RequestId": "r-1"}}}}`},
		{"the list as the response's inside", `{"tencentcloud": {"events": {"EventSet": [{"Id": "a"}], "TotalCount": 1}}}`},
		{"HSS events as the whole response", `{"huaweicloud": {"events": {"total_num": 1, "data_list": [{"event_id": "a"}]}}}`},
	} {
		if _, err := localcloud.ParseFixtures("f.json", []byte(tc.doc)); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// A detail whose EventId is not its key is served under the key, and said.
	f, err := localcloud.ParseFixtures("f.json", []byte(`{"tencentcloud": {"details": {"a": {"Response": {"EventBaseInfo": {"EventId": "10302329"}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := `f.json: tencentcloud.details["a"].EventBaseInfo.EventId is "10302329": the detail is served under its key, "a"`; len(f.Notes) != 1 || f.Notes[0] != want {
		t.Errorf("notes %q, want %q", f.Notes, want)
	}
}

// TestFixturesReferenceResponsesVerbatim: the two references' example
// responses, pasted as they print them, load and are served.
func TestFixturesReferenceResponsesVerbatim(t *testing.T) {
	f, err := localcloud.LoadFixtures("testdata/tcss-reference-response.json", "testdata/hss-reference-response.json")
	if err != nil {
		t.Fatal(err)
	}
	srv := localcloud.StartForTest(t, localcloud.Config{Fixtures: f, TencentQuota: -1})
	tc, err := tencentcloud.NewClient(tencentcloud.Config{SecretID: localcloud.TencentSecretID, SecretKey: localcloud.TencentSecretKey,
		Region: "ap-guangzhou", Endpoint: srv.URL(), RequestsPerSecond: 100})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	detail, err := tc.DescribeAbnormalProcessDetail(ctx, "", "10302329")
	if err != nil {
		t.Fatal(err)
	}
	if *detail.ProcessInfo.ProcessId != 2907621 || *detail.EventDetail.MatchRule.RuleLevel != "HIGH" || *detail.RequestId == "280ebb84-63c5-417e-95bd-e3160f6c8cdc" {
		t.Errorf("detail served as %+v", detail)
	}
	list, err := tc.DescribeAbnormalProcessEvents(ctx, "", tencentcloud.DescribeAbnormalProcessEventsRequest{})
	if err != nil || len(list.EventSet) != 1 || *list.EventSet[0].Id != "10302329" {
		t.Errorf("list: %v %+v", err, list)
	}

	hw, err := huaweicloud.NewClient(huaweicloud.Config{AccessKey: localcloud.HuaweiAccessKey, SecretKey: localcloud.HuaweiSecretKey,
		Region: "cn-north-4", ProjectID: localcloud.HuaweiProjectID, Endpoint: srv.URL(), RequestsPerSecond: 100})
	if err != nil {
		t.Fatal(err)
	}
	occur := time.UnixMilli(1731385152000)
	res, err := huaweicloud.ReadEvents(ctx, hw, huaweicloud.Query{Begin: occur.Add(-time.Hour), End: occur.Add(time.Hour)}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 1 || *res.Events[0].EventID != "4517fc****-a0ad-11ef-9ac9-********" || *res.Events[0].Host() != "ecs-hce" {
		t.Errorf("HSS events: %+v", res.Events)
	}
	// The files are the references' own text.
	for _, file := range []string{"testdata/tcss-reference-response.json", "testdata/hss-reference-response.json"} {
		data, _ := os.ReadFile(file)
		if !strings.Contains(string(data), `"RequestId": "280ebb84-63c5-417e-95bd-e3160f6c8cdc"`) && !strings.Contains(string(data), `{ "total_num" : 4715, "data_list" : [`) {
			t.Errorf("%s is not a reference's example as printed", file)
		}
	}
}
