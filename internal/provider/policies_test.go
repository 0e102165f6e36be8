package provider

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// opaPath is the OPA CLI that make tools builds into .tools/.
func opaPath(t *testing.T) string {
	t.Helper()
	path, err := filepath.Abs("../../.tools/opa")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("OPA is not built: run make tools (%v)", err)
	}
	return path
}

func run(t *testing.T, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestAccPoliciesOPAUnitTests(t *testing.T) {
	providerHost(t) // skips without TF_ACC
	out, err := run(t, "../..", os.Environ(), opaPath(t), "test", "-v", "examples/policies/opa")
	if err != nil || !strings.Contains(out, "PASS: 9/9") {
		t.Fatalf("opa test: %v\n%s", err, out)
	}
}

// TestAccPolicies plans examples/policies/terraform against a clean and a
// dirty local cloud and checks the verdicts of the postcondition gate, the
// check blocks and the OPA policy over the plan's JSON.
func TestAccPolicies(t *testing.T) {
	opa := opaPath(t)
	policy, err := os.ReadFile("../../examples/policies/terraform/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		cloud     localcloud.Config
		eventIDs  string
		wantDeny  []string // substrings, one per expected denial
		wantCheck []string
	}{
		{
			name: "clean", cloud: localcloud.Config{TCSSEvents: 3},
			// evt-00001 matched a MIDDLE rule; HSS holds only the 2024 reference event.
			eventIDs: `["evt-00001"]`,
		},
		{
			name: "dirty", cloud: localcloud.Config{TCSSEvents: 3, HSSEvents: 40},
			eventIDs: `["5202566", "evt-00001"]`,
			wantDeny: []string{
				`data.cwpp_tcss_abnormal_process.reviewed["5202566"]: HIGH-level abnormal process /usr/local/bin/xenoncli (event 5202566)`,
				"unhandled High whitelist event", "unhandled Critical whitelist event",
			},
			wantCheck: []string{"Unhandled High/Critical whitelist events:", "HIGH-level abnormal processes: /usr/local/bin/xenoncli"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := localcloud.StartForTest(t, tc.cloud)
			dir, env := cliWorkdir(t, string(policy))
			env = append(env,
				"TENCENTCLOUD_SECRET_ID="+localcloud.TencentSecretID, "TENCENTCLOUD_SECRET_KEY="+localcloud.TencentSecretKey,
				"TENCENTCLOUD_TCSS_ENDPOINT="+srv.URL(), "HW_ACCESS_KEY="+localcloud.HuaweiAccessKey,
				"HW_SECRET_KEY="+localcloud.HuaweiSecretKey, "HW_PROJECT_ID="+localcloud.HuaweiProjectID, "HW_HSS_ENDPOINT="+srv.URL(),
				"TF_VAR_tcss_event_ids="+tc.eventIDs)
			cli := os.Getenv("TF_ACC_TERRAFORM_PATH")

			// 1. The postcondition gate fails the plan exactly when the data is dirty.
			out, err := run(t, dir, env, cli, "plan", "-input=false", "-no-color")
			gateClosed := strings.Contains(out, "Security gate closed")
			if dirty := len(tc.wantDeny) > 0; (err != nil) != dirty || gateClosed != dirty {
				t.Fatalf("gate: plan error %v, closed %v; want closed %v\n%s", err, gateClosed, dirty, out)
			}

			// 2. Without the gate, the plan succeeds; check blocks warn on dirty data.
			out, err = run(t, dir, env, cli, "plan", "-input=false", "-no-color", "-var", "enforce_gate=false", "-out", "plan.bin")
			if err != nil {
				t.Fatalf("plan: %v\n%s", err, out)
			}
			for _, want := range tc.wantCheck {
				if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
					t.Errorf("the plan's check warnings lack %q:\n%s", want, out)
				}
			}
			if len(tc.wantCheck) == 0 && strings.Contains(out, "Check block assertion failed") {
				t.Errorf("a check failed on clean data:\n%s", out)
			}

			// 3. OPA over the plan's JSON gives the same verdict.
			show := exec.Command(cli, "show", "-json", "plan.bin")
			show.Dir, show.Env = dir, env
			planJSON, err := show.Output()
			if err != nil {
				t.Fatalf("show -json: %v", err)
			}
			input := filepath.Join(dir, "plan.json")
			writeFile(t, input, string(planJSON))
			out, err = run(t, "../..", os.Environ(), opa, "eval", "--format", "json", "-d", "examples/policies/opa/policy.rego", "-i", input, "data.cwpp.deny")
			if err != nil {
				t.Fatalf("opa eval: %v\n%s", err, out)
			}
			var result struct {
				Result []struct {
					Expressions []struct {
						Value []string `json:"value"`
					} `json:"expressions"`
				} `json:"result"`
			}
			if err := json.Unmarshal([]byte(out), &result); err != nil || len(result.Result) != 1 {
				t.Fatalf("opa eval output: %v\n%s", err, out)
			}
			denied := result.Result[0].Expressions[0].Value
			for _, want := range tc.wantDeny {
				if !slices.ContainsFunc(denied, func(d string) bool { return strings.Contains(d, want) }) {
					t.Errorf("OPA did not deny %q; it denied %q", want, denied)
				}
			}
			if len(tc.wantDeny) == 0 && len(denied) != 0 {
				t.Errorf("OPA denied clean data: %q", denied)
			}
		})
	}
}
