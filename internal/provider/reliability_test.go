package provider

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// codes counts the request log's outcomes of one cloud.
func codes(srv *localcloud.Server, cloud localcloud.Cloud) map[string]int {
	out := map[string]int{}
	for _, r := range srv.Requests() {
		if r.Cloud == cloud {
			out[r.Code]++
		}
	}
	return out
}

func TestAccReliabilityTransientFaults(t *testing.T) {
	const tcssReads, hssEvents = 12, 1234
	cases := []struct {
		name   string
		faults localcloud.Faults
		seen   []string // outcomes the local cloud must have produced, so the test cannot pass without faults
	}{
		{"throttling every 3rd, 5xx every 5th", localcloud.Faults{ThrottleEvery: 3, ServerErrorEvery: 5}, []string{"RequestLimitExceeded|APIGW.0308", "InternalError|HSS.0001"}},
		{"truncated, non-JSON and dropped", localcloud.Faults{TruncateEvery: 4, NonJSONEvery: 6, DropEvery: 9}, []string{"Truncated", "NonJSON", "DroppedConnection"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: tcssReads, HSSEvents: hssEvents})
			srv.SetFaults(localcloud.Tencent, tc.faults)
			srv.SetFaults(localcloud.Huawei, tc.faults)
			want := make([]knownvalue.Check, tcssReads)
			for i := range want {
				want[i] = knownvalue.Int64Exact(localcloud.TCSSGeneratedProcessID(i + 1))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					// About half of all attempts fail here, and the reads run in
					// parallel, so a read's attempts land on faulty counts at
					// random: 10 retries make exhausting them (0.5^11) negligible.
					Config: providerConfig(srv, "max_retries = 10", hssTestLimits+"\nmax_retries = 10") + fmt.Sprintf(`
data "cwpp_tcss_abnormal_process" "each" {
  count    = %d
  event_id = format("evt-%%05d", count.index + 1)
}
output "pids" {
  value = data.cwpp_tcss_abnormal_process.each[*].process_info.process_id
}
data "cwpp_hss_app_whitelist_events" "test" {
  last_days = 30
}`, tcssReads),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownOutputValue("pids", knownvalue.ListExact(want)),
						statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("total_num"), i64(hssEvents)),
						statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("events"), knownvalue.ListSizeExact(hssEvents)),
					},
					Check: resource.ComposeTestCheckFunc(checkNewestFirstAndUnique(hssEvents), func(*terraform.State) error {
						for _, cloud := range []localcloud.Cloud{localcloud.Tencent, localcloud.Huawei} {
							got := codes(srv, cloud)
							for _, outcome := range tc.seen {
								n := 0
								for _, code := range strings.Split(outcome, "|") {
									n += got[code]
								}
								if n == 0 {
									return fmt.Errorf("%s never answered %s: %v", cloud, outcome, got)
								}
							}
						}
						return nil
					}),
				}},
			})
		})
	}
}

func TestAccReliabilityForEachUnderQuota(t *testing.T) {
	const n, quota = 200, 20
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: n, TencentQuota: quota})
	want := map[string]knownvalue.Check{}
	for i := 1; i <= n; i++ {
		want[localcloud.TCSSGeneratedEventID(i)] = knownvalue.Int64Exact(localcloud.TCSSGeneratedProcessID(i))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			// The provider's defaults: 20 requests per second, the API's quota.
			Config: providerConfig(srv, "", "") + fmt.Sprintf(`
data "cwpp_tcss_abnormal_process" "all" {
  for_each = toset([for i in range(1, %d) : format("evt-%%05d", i)])
  event_id = each.value
}
output "pids" {
  value = { for id, e in data.cwpp_tcss_abnormal_process.all : id => e.process_info.process_id }
}`, n+1),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectKnownOutputValue("pids", knownvalue.MapExact(want)),
			}},
		}},
	})
	// The limiter spaces its turns 1/19.6 s apart, so a wall-clock second
	// holds at most 20 of them; a request delayed over about 20 ms on its
	// way to the server (a loaded machine: CI runs three suites at once)
	// can still land in the next second, be refused once and be retried.
	// More than one refusal, or a second of more than quota+1 requests, is
	// the limiter's, not the way's.
	perSecond := map[int64]int{}
	var throttled []string
	for _, r := range srv.Requests() {
		if r.Code == "RequestLimitExceeded" {
			throttled = append(throttled, r.Time.Format(time.RFC3339Nano))
		}
		perSecond[r.Time.Unix()]++
	}
	if len(throttled) > 1 {
		t.Errorf("the server throttled %d requests, want at most 1: at %s", len(throttled), strings.Join(throttled, ", "))
	}
	for second, count := range perSecond {
		if count > quota+1 {
			var at []string // when in that second, to tell a burst from a late request
			for _, r := range srv.Requests() {
				if r.Time.Unix() == second {
					at = append(at, fmt.Sprintf("%d ms", r.Time.Nanosecond()/1e6))
				}
			}
			t.Errorf("the server saw %d requests in second %d, over its quota of %d by more than one: at %s", count, second, quota, strings.Join(at, ", "))
		}
	}
	if len(srv.Requests()) < n {
		t.Errorf("only %d requests for %d reads", len(srv.Requests()), n)
	}
}

func TestAccReliabilityPermanentFaultsAreNotRetried(t *testing.T) {
	cases := []struct {
		name, config string
		faults       localcloud.Faults
		cloud        localcloud.Cloud
		want         string
	}{
		{
			name: "TCSS signature", cloud: localcloud.Tencent,
			config: referenceEventConfig,
			want:   `(?s)Tencent Cloud TCSS DescribeAbnormalProcessDetail failed.*code: AuthFailure.SignatureFailure.*request id: [0-9a-f-]{36}`,
		},
		{
			name: "TCSS parameter", cloud: localcloud.Tencent, faults: localcloud.Faults{InvalidParameter: true},
			config: referenceEventConfig,
			want:   `(?s)Tencent Cloud TCSS DescribeAbnormalProcessDetail failed.*code: InvalidParameterValue.*request id: [0-9a-f-]{36}`,
		},
		{
			name: "HSS signature", cloud: localcloud.Huawei,
			config: `data "cwpp_hss_app_whitelist_events" "test" { last_days = 1 }`,
			want:   `(?s)Huawei Cloud HSS ListAppWhitelistEvent failed.*status: 401.*error_code: APIGW.0301.*request id: [0-9a-f-]{36}`,
		},
		{
			name: "HSS parameter", cloud: localcloud.Huawei, faults: localcloud.Faults{InvalidParameter: true},
			config: `data "cwpp_hss_app_whitelist_events" "test" { last_days = 1 }`,
			want:   `(?s)Huawei Cloud HSS ListAppWhitelistEvent failed.*status: 400.*error_code: HSS.1001.*request id: [0-9a-f-]{36}`,
		},
		{
			name: "HSS project", cloud: localcloud.Huawei,
			config: `data "cwpp_hss_app_whitelist_events" "test" {
  last_days  = 1
  project_id = "no-such-project"
}`,
			want: `(?s)Huawei Cloud HSS ListAppWhitelistEvent failed.*status: 404.*no-such-project\s+does\s+not\s+exist`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			keys := localcloud.Config{}
			if strings.HasSuffix(tc.name, "signature") {
				// The server knows other keys than the provider's.
				keys.TencentKeys = map[string]string{localcloud.TencentSecretID: "another-key"}
				keys.HuaweiKeys = map[string]string{localcloud.HuaweiAccessKey: "another-key"}
			}
			srv := localcloud.StartForTest(t, keys)
			srv.SetFaults(tc.cloud, tc.faults)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(srv, "", "") + tc.config,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%d requests reached the server; a permanent fault must be tried once: %+v", n, srv.Requests())
			}
		})
	}
}

// TestAccReliabilityThrottlingThatNeverEnds: when the cloud refuses every
// request, nothing of the run gets through, so each refusal counts against
// max_retries (a refusal goes uncounted only while other requests are
// accepted: a shared quota), and the read fails after exactly 1 + max_retries
// requests with a diagnostic naming the cloud, action, code and request id.
func TestAccReliabilityThrottlingThatNeverEnds(t *testing.T) {
	cases := []struct {
		name, config string
		cloud        localcloud.Cloud
		want         string
	}{
		{
			name: "TCSS", cloud: localcloud.Tencent, config: referenceEventConfig,
			want: `(?s)Tencent Cloud TCSS DescribeAbnormalProcessDetail failed.*code: RequestLimitExceeded.*request id: [0-9a-f-]{36}`,
		},
		{
			name: "HSS", cloud: localcloud.Huawei, config: `data "cwpp_hss_app_whitelist_events" "test" { last_days = 1 }`,
			want: `(?s)Huawei Cloud HSS ListAppWhitelistEvent failed.*status: 429.*error_code: APIGW.0308.*request id: [0-9a-f-]{36}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := localcloud.StartForTest(t, localcloud.Config{})
			srv.SetFaults(tc.cloud, localcloud.Faults{ThrottleEvery: 1})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(srv, "max_retries = 2", "max_retries = 2") + tc.config,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
			got := codes(srv, tc.cloud)
			if throttled := got["RequestLimitExceeded"] + got["APIGW.0308"]; throttled != 3 || len(srv.Requests()) != 3 {
				t.Errorf("%d requests, %d of them throttled (%v): want 3, each throttled, 1 + max_retries", len(srv.Requests()), throttled, got)
			}
		})
	}
}

func TestAccReliabilityMalformedResponses(t *testing.T) {
	cases := []struct {
		name   string
		cloud  localcloud.Cloud
		faults localcloud.Faults
		config string
		want   string
	}{
		{"TCSS oversize", localcloud.Tencent, localcloud.Faults{Oversize: 5 << 20}, referenceEventConfig,
			`(?s)Tencent Cloud TCSS DescribeAbnormalProcessDetail failed.*larger than 4194304\s+bytes`},
		{"TCSS never JSON", localcloud.Tencent, localcloud.Faults{NonJSONEvery: 1}, referenceEventConfig,
			`(?s)Tencent Cloud TCSS DescribeAbnormalProcessDetail failed.*code: ClientError.ParseJsonError`},
		{"HSS oversize", localcloud.Huawei, localcloud.Faults{Oversize: 33 << 20}, `data "cwpp_hss_app_whitelist_events" "test" { last_days = 1 }`,
			`(?s)Huawei Cloud HSS ListAppWhitelistEvent failed.*larger than 33554432\s+bytes`},
		{"HSS always truncated", localcloud.Huawei, localcloud.Faults{TruncateEvery: 1}, `data "cwpp_hss_app_whitelist_events" "test" { last_days = 1 }`,
			`(?s)Huawei Cloud HSS ListAppWhitelistEvent failed`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 50})
			srv.SetFaults(tc.cloud, tc.faults)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(srv, "max_retries = 1", "max_retries = 1") + tc.config,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
			// Transient-looking faults are retried, within max_retries.
			if n := len(srv.Requests()); n != 2 {
				t.Errorf("%d requests reached the server, want 2 (one retry)", n)
			}
		})
	}
}

// TestAccReliabilitySecretsNeverLogged runs the real CLI with TF_LOG=TRACE and
// known secrets, and looks for them in the log, the output and the state.
func TestAccReliabilitySecretsNeverLogged(t *testing.T) {
	const tencentToken, huaweiToken = "tencent-token-7c1d0e", "huawei-token-51aa9f"
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 500})
	dir, env := cliWorkdir(t, requiredProviders+`
provider "cwpp" {
  huaweicloud {
    secret_key     = "`+localcloud.HuaweiSecretKey+`"
    security_token = "`+huaweiToken+`"
    max_retries    = 3
  }
}
data "cwpp_tcss_abnormal_process" "ref" {
  event_id = "5202566"
}
data "cwpp_hss_app_whitelist_events" "all" {
  last_days = 4
}
output "count" {
  value = length(data.cwpp_hss_app_whitelist_events.all.events)
}
`)
	// Throttling every second request (of the 2 windows' pages and their
	// retries) makes the provider log retries too.
	srv.SetFaults(localcloud.Huawei, localcloud.Faults{ThrottleEvery: 2})
	out, logText, state := applyWithTrace(t, dir, append(env,
		"TENCENTCLOUD_SECRET_ID="+localcloud.TencentSecretID, "TENCENTCLOUD_SECRET_KEY="+localcloud.TencentSecretKey,
		"TENCENTCLOUD_SECURITY_TOKEN="+tencentToken, "TENCENTCLOUD_TCSS_ENDPOINT="+srv.URL(),
		"HW_ACCESS_KEY="+localcloud.HuaweiAccessKey, "HW_PROJECT_ID="+localcloud.HuaweiProjectID, "HW_HSS_ENDPOINT="+srv.URL()))
	// The log holds the provider's own lines, retries included.
	for _, expected := range []string{"read HSS app whitelist events", "retrying request"} {
		if !bytes.Contains(logText, []byte(expected)) {
			t.Errorf("the TRACE log lacks %q: the provider's logs were not captured", expected)
		}
	}
	for _, secret := range []string{localcloud.TencentSecretKey, localcloud.HuaweiSecretKey, tencentToken, huaweiToken,
		"TC3-HMAC-SHA256 Credential", "SDK-HMAC-SHA256 Access"} {
		for name, text := range map[string][]byte{"log": logText, "output": out, "state": state} {
			if bytes.Contains(text, []byte(secret)) {
				t.Errorf("the %s contains %q", name, secret)
			}
		}
	}
}

// TestAccReliabilityCancellation interrupts a long read, as Ctrl-C does, and
// checks that paging stops: no request starts later than 2 seconds after.
func TestAccReliabilityCancellation(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 20000})
	srv.SetFaults(localcloud.Huawei, localcloud.Faults{Latency: 2 * time.Second})
	end := time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	dir, env := cliWorkdir(t, requiredProviders+providerConfig(srv, "", "requests_per_second = 100")+fmt.Sprintf(`
data "cwpp_hss_app_whitelist_events" "all" {
  begin_time = %q
  end_time   = %q
}
`, end.Add(-29*24*time.Hour).Format(time.RFC3339), end.Format(time.RFC3339)))
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "plan", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// Interrupt once paging is well under way: past the windows' first pages.
	deadline := time.Now().Add(30 * time.Second)
	for srv.RequestCount(localcloud.Huawei) < 20 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	interrupted := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err == nil {
			t.Errorf("the interrupted plan succeeded:\n%s", out.String())
		}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("terraform did not exit within 60s of the interrupt:\n%s", out.String())
	}
	started := 0
	for _, r := range srv.Requests() {
		if r.Cloud != localcloud.Huawei {
			continue
		}
		started++
		if late := r.Time.Sub(interrupted); late > 2*time.Second {
			t.Errorf("a request started %s after the interrupt", late)
		}
	}
	// 15 windows of about 7 pages: far more than were read.
	if started >= 100 {
		t.Errorf("%d requests: the read was not interrupted", started)
	}
}

// applyWithTrace runs terraform apply in dir with a TRACE log, and returns the
// CLI's output, the log and the state it wrote.
func applyWithTrace(t *testing.T, dir string, env []string) (out, logText, state []byte) {
	t.Helper()
	logPath := filepath.Join(dir, "trace.log")
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = dir, append(env, "TF_LOG=TRACE", "TF_LOG_PATH="+logPath)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if logText, err = os.ReadFile(logPath); err != nil {
		t.Fatal(err)
	}
	if state, err = os.ReadFile(filepath.Join(dir, "terraform.tfstate")); err != nil {
		t.Fatal(err)
	}
	return out, logText, state
}
