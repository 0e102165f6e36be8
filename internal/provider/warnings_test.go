package provider

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// TestAccWarnings runs `plan -json` with the real CLI, where warnings, which
// terraform-plugin-testing does not expose, are machine-readable.
func TestAccWarnings(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 300})
	dir, env := cliWorkdir(t, requiredProviders+providerConfig(srv, "", "")+`
data "cwpp_hss_app_whitelist_events" "cut" {
  last_days   = 30
  max_results = 10
}
data "cwpp_tcss_abnormal_process" "bad_tree" {
  event_id = "`+localcloud.TCSSBadTreeEventID+`"
}
output "kept" {
  value = length(data.cwpp_hss_app_whitelist_events.cut.events)
}
output "nodes_null" {
  value = data.cwpp_tcss_abnormal_process.bad_tree.process_info.process_tree_nodes == null
}
`)
	warnings := planWarnings(t, dir, env)
	if detail, ok := warnings["Event list cut"]; !ok || !strings.Contains(detail, "300 events matched; only the newest 10 are kept (max_results)") {
		t.Errorf("no max_results warning with the counts; warnings: %v", warnings)
	}
	if detail, ok := warnings["Process tree not parsed"]; !ok || !strings.Contains(detail, `"sh|bash|init"`) {
		t.Errorf("no process-tree warning naming the tree; warnings: %v", warnings)
	}
	expectPlanShows(t, dir, env, "+ kept       = 10", "+ nodes_null = true")
}

// planWarnings runs `plan -json` in dir and returns its warnings, detail by
// summary.
func planWarnings(t *testing.T, dir string, env []string) map[string]string {
	t.Helper()
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "plan", "-json", "-input=false")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	warnings := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity, Summary, Detail string
			} `json:"diagnostic"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) != nil {
			continue
		}
		if msg.Type == "diagnostic" && msg.Diagnostic.Severity == "warning" {
			warnings[msg.Diagnostic.Summary] = msg.Diagnostic.Detail
		}
	}
	return warnings
}

// TestAccTCSSRangeSaysWhatItLeftOut: a ranged read keeps the events whose
// FoundTime is in the range, and says which it left out because theirs is
// absent or not of the API's form (the API documents it as always there);
// a read without a range keeps them.
func TestAccTCSSRangeSaysWhatItLeftOut(t *testing.T) {
	fixtures, err := localcloud.ParseFixtures("untimed.json", []byte(`{
  "tencentcloud": {"events": [
    {"Id": "in", "FoundTime": "2026-11-30 09:00:00", "Status": "EVENT_UNDEAL", "MatchRuleLevel": "HIGH"},
    {"Id": "before", "FoundTime": "2026-11-20 09:00:00", "Status": "EVENT_UNDEAL", "MatchRuleLevel": "HIGH"},
    {"Id": "no-time", "Status": "EVENT_UNDEAL", "MatchRuleLevel": "HIGH"},
    {"Id": "odd-time", "FoundTime": "30/11/2026 09:00", "Status": "EVENT_UNDEAL", "MatchRuleLevel": "HIGH"}
  ]}
}`))
	if err != nil {
		t.Fatal(err)
	}
	srv := localcloud.StartForTest(t, localcloud.Config{Fixtures: fixtures, TencentQuota: -1})
	dir, env := cliWorkdir(t, requiredProviders+providerConfig(srv, tcssTestLimits, hssTestLimits)+`
data "cwpp_tcss_abnormal_processes" "range" {
  begin_time = "2026-11-29T00:00:00+08:00"
  end_time   = "2026-12-01T00:00:00+08:00"
}
data "cwpp_tcss_abnormal_processes" "all" {}
output "range" { value = data.cwpp_tcss_abnormal_processes.range.events[*].id }
output "all"   { value = sort(data.cwpp_tcss_abnormal_processes.all.events[*].id) }
`)
	warnings := planWarnings(t, dir, env)
	detail, ok := warnings["2 TCSS events without a readable FoundTime were left out"]
	if !ok || !strings.Contains(detail, `they were left out: "no-time", "odd-time". A read without a time range keeps them.`) {
		t.Errorf("no warning naming the two events; warnings: %v", warnings)
	}
	expectPlanShows(t, dir, env, `+ range = [
      + "in",
    ]`, `+ all   = [
      + "before",
      + "in",
      + "no-time",
      + "odd-time",
    ]`)
}

// expectPlanShows runs a text plan in dir and checks that it shows each of wants.
func expectPlanShows(t *testing.T, dir string, env []string, wants ...string) {
	t.Helper()
	show := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "plan", "-input=false", "-no-color")
	show.Dir, show.Env = dir, env
	text, err := show.CombinedOutput()
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, text)
	}
	for _, want := range wants {
		if !strings.Contains(string(text), want) {
			t.Errorf("the plan lacks %q:\n%s", want, text)
		}
	}
}
