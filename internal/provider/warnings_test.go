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
	if detail, ok := warnings["Event list cut"]; !ok || !strings.Contains(detail, "300 events matched; only the newest 10 are kept (max_results)") {
		t.Errorf("no max_results warning with the counts; warnings: %v", warnings)
	}
	if detail, ok := warnings["Process tree not parsed"]; !ok || !strings.Contains(detail, `"sh|bash|init"`) {
		t.Errorf("no process-tree warning naming the tree; warnings: %v", warnings)
	}
	show := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "plan", "-input=false", "-no-color")
	show.Dir, show.Env = dir, env
	text, err := show.CombinedOutput()
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, text)
	}
	for _, want := range []string{"+ kept       = 10", "+ nodes_null = true"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the plan lacks %q:\n%s", want, text)
		}
	}
}
