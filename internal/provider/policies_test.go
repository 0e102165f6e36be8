package provider

import (
	"encoding/json"
	"fmt"
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
	for dir, want := range map[string]string{"examples/policies/opa": "PASS: 9/9", "examples/policies/ocsf": "PASS: 5/5"} {
		out, err := run(t, "../..", os.Environ(), opaPath(t), "test", "-v", dir)
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("opa test %s: %v\n%s", dir, err, out)
		}
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
			env = append(append(env, localCloudEnv(srv)...), "TF_VAR_tcss_event_ids="+tc.eventIDs)
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
			input := filepath.Join(dir, "plan.json")
			writeFile(t, input, string(cliOutput(t, dir, env, "show", "-json", "plan.bin")))
			denied := opaDenied(t, opa, "examples/policies/opa/policy.rego", input, "data.cwpp.deny")
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

// TestAccPoliciesOCSF applies examples/policies/ocsf as its comment says:
// the exported findings (terraform output -raw) validate against OCSF, and
// OPA over terraform output -json denies exactly the new High-or-worse ones.
func TestAccPoliciesOCSF(t *testing.T) {
	opa := opaPath(t)
	policy, err := os.ReadFile("../../examples/policies/ocsf/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: 60, HSSEvents: 80})
	dir, env := cliWorkdir(t, string(policy))
	env = append(env, localCloudEnv(srv)...)
	if out, err := run(t, dir, env, os.Getenv("TF_ACC_TERRAFORM_PATH"), "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	findings, err := findingsOf(string(cliOutput(t, dir, env, "output", "-raw", "ocsf_findings")), false)
	if err != nil {
		t.Fatal(err)
	}
	var blocking []string
	for _, f := range findings {
		severity, status := fmt.Sprint(f["severity_id"]), fmt.Sprint(f["status_id"])
		if (severity == "4" || severity == "5" || severity == "6") && status == "1" {
			blocking = append(blocking, fmt.Sprint(f["finding_info"].(map[string]any)["uid"]))
		}
	}
	if len(findings) < 20 || len(blocking) == 0 || len(blocking) == len(findings) {
		t.Fatalf("%d findings, %d blocking: the local cloud should give both kinds", len(findings), len(blocking))
	}
	input := filepath.Join(dir, "outputs.json")
	writeFile(t, input, string(cliOutput(t, dir, env, "output", "-json")))
	denied := opaDenied(t, opa, "examples/policies/ocsf/policy.rego", input, "data.cwpp.ocsf.deny")
	if len(denied) != len(blocking) {
		t.Fatalf("OPA denied %d findings, want the %d new High-or-worse ones: %q", len(denied), len(blocking), denied)
	}
	for _, uid := range blocking {
		if !slices.ContainsFunc(denied, func(d string) bool { return strings.Contains(d, " finding "+uid+":") }) {
			t.Errorf("OPA did not deny finding %s", uid)
		}
	}
}

// localCloudEnv is the environment that points the provider block of an
// example (provider "cwpp" {}) at a local cloud.
func localCloudEnv(srv *localcloud.Server) []string {
	return []string{
		"TENCENTCLOUD_SECRET_ID=" + localcloud.TencentSecretID, "TENCENTCLOUD_SECRET_KEY=" + localcloud.TencentSecretKey,
		"TENCENTCLOUD_TCSS_ENDPOINT=" + srv.URL(), "HW_ACCESS_KEY=" + localcloud.HuaweiAccessKey,
		"HW_SECRET_KEY=" + localcloud.HuaweiSecretKey, "HW_PROJECT_ID=" + localcloud.HuaweiProjectID, "HW_HSS_ENDPOINT=" + srv.URL(),
	}
}

// cliOutput runs the CLI in dir and returns its standard output.
func cliOutput(t *testing.T, dir string, env []string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return out
}

// opaDenied evaluates query (a set of strings) of policy over the JSON in
// input with OPA, as the examples' comments say.
func opaDenied(t *testing.T, opa, policy, input, query string) []string {
	t.Helper()
	out, err := run(t, "../..", os.Environ(), opa, "eval", "--format", "json", "-d", policy, "-i", input, query)
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
	return result.Result[0].Expressions[0].Value
}
