package provider

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/ocsf/ocsfcheck"
)

// findingsBoth reads both data sources over the same arguments.
func findingsBoth(args string) string {
	return fmt.Sprintf(`
data "cwpp_process_events" "same" {
%[1]s
}
data "cwpp_ocsf_findings" "json" {
%[1]s
}
data "cwpp_ocsf_findings" "ndjson" {
%[1]s
  format = "ndjson"
}
data "cwpp_ocsf_findings" "five" {
%[1]s
  max_results = 5
}
`, args)
}

// findingsOf reads a findings string in its format: every finding must
// validate against OCSF 1.8.0.
func findingsOf(s string, ndjson bool) ([]map[string]any, error) {
	var raw []json.RawMessage
	if ndjson {
		if s != "" && !strings.HasSuffix(s, "\n") {
			return nil, fmt.Errorf("ndjson does not end in a newline")
		}
		for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
			if line != "" {
				raw = append(raw, json.RawMessage(line))
			}
		}
	} else if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, fmt.Errorf("findings are not a JSON array: %w", err)
	}
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		if err := ocsfcheck.DetectionFinding().Check(r); err != nil {
			return nil, fmt.Errorf("finding %d does not validate against OCSF %s: %w\n%s", i, ocsfcheck.DetectionFinding().Version(), err, r)
		}
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.UseNumber()
		if err := dec.Decode(&out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkFindingsMatchEvents: each findings string holds one valid finding per
// event of cwpp_process_events, in its order, with its id, time, severity
// and status; max_results keeps the newest five and counts every match.
func checkFindingsMatchEvents(wantAtLeast int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := func(addr string) map[string]string { return s.RootModule().Resources[addr].Primary.Attributes }
		events := attrs("data.cwpp_process_events.same")
		n, _ := strconv.Atoi(events["events.#"])
		if n < wantAtLeast {
			return fmt.Errorf("cwpp_process_events read %d events, want at least %d: the test would prove little", n, wantAtLeast)
		}
		for addr, ndjson := range map[string]bool{"data.cwpp_ocsf_findings.json": false, "data.cwpp_ocsf_findings.ndjson": true} {
			a := attrs(addr)
			findings, err := findingsOf(a["findings"], ndjson)
			if err != nil {
				return fmt.Errorf("%s: %w", addr, err)
			}
			if len(findings) != n || a["matched_count"] != strconv.Itoa(n) {
				return fmt.Errorf("%s: %d findings, matched_count %s; cwpp_process_events has %d events", addr, len(findings), a["matched_count"], n)
			}
			for k := range findings {
				if err := sameEvent(findings[k], events, k); err != nil {
					return fmt.Errorf("%s: finding %d: %w", addr, k, err)
				}
			}
			for _, key := range []string{"summary.by_cloud.tencentcloud", "summary.by_cloud.huaweicloud", "summary.by_severity.high", "summary.newest_time_rfc3339"} {
				if a[key] != events[key] {
					return fmt.Errorf("%s: %s = %q, cwpp_process_events has %q", addr, key, a[key], events[key])
				}
			}
		}
		five := attrs("data.cwpp_ocsf_findings.five")
		findings, err := findingsOf(five["findings"], false)
		if err != nil {
			return err
		}
		if len(findings) != min(5, n) || five["matched_count"] != strconv.Itoa(n) {
			return fmt.Errorf("max_results = 5: %d findings, matched_count %s, want %d and %d", len(findings), five["matched_count"], min(5, n), n)
		}
		for k := range findings {
			if err := sameEvent(findings[k], events, k); err != nil {
				return fmt.Errorf("max_results = 5: finding %d: %w", k, err)
			}
		}
		return nil
	}
}

// sameEvent compares a finding with the k-th event of cwpp_process_events.
func sameEvent(f map[string]any, events map[string]string, k int) error {
	e := func(field string) string { return events["events."+strconv.Itoa(k)+"."+field] }
	info, _ := f["finding_info"].(map[string]any)
	if info["uid"] != e("event_id") {
		return fmt.Errorf("finding_info.uid %v, event_id %s", info["uid"], e("event_id"))
	}
	at, err := time.Parse(time.RFC3339Nano, e("time_rfc3339"))
	if err != nil {
		return err
	}
	if got := fmt.Sprint(f["time"]); got != strconv.FormatInt(at.UnixMilli(), 10) {
		return fmt.Errorf("time %s, want the event's %s = %d ms", got, e("time_rfc3339"), at.UnixMilli())
	}
	if got, want := fmt.Sprint(f["severity_id"]), e("severity_id"); got != want {
		return fmt.Errorf("severity_id %s, the event's %s", got, want)
	}
	if got, want := fmt.Sprint(f["status_id"]), e("status_id"); got != want {
		return fmt.Errorf("status_id %s, the event's %s", got, want)
	}
	provider := map[string]string{"tencentcloud": "Tencent Cloud", "huaweicloud": "Huawei Cloud"}[e("cloud")]
	if c, _ := f["cloud"].(map[string]any); c["provider"] != provider {
		return fmt.Errorf("cloud.provider %v for a %s event", c["provider"], e("cloud"))
	}
	if got, want := fmt.Sprint(f["count"]), e("count"); want != "" && got != want {
		return fmt.Errorf("count %s, the event's %s", got, want)
	}
	return nil
}

// TestAccOCSFFindingsAreValidAndMatchProcessEvents: over the reference
// events and generated ones, full, sparse and mixed, every finding validates
// and the findings are cwpp_process_events' events, one for one.
func TestAccOCSFFindingsAreValidAndMatchProcessEvents(t *testing.T) {
	for name, tc := range map[string]struct {
		cfg  localcloud.Config
		args string
		min  int
	}{
		"reference":                 {localcloud.Config{TencentQuota: -1}, "  begin_time = \"2024-10-01T00:00:00Z\"\n  end_time = \"2024-11-30T00:00:00Z\"", 2},
		"generated, full and mixed": {localcloud.Config{TCSSEvents: 120, HSSEvents: 300, TencentQuota: -1}, "  last_days = 7", 90},
		"generated, sparse": {localcloud.Config{TCSSEvents: 120, TCSSSparse: true, HSSEvents: 300, HSSShape: localcloud.ShapeSparse,
			TencentQuota: -1}, "  last_days = 7", 90},
	} {
		t.Run(name, func(t *testing.T) {
			srv := localcloud.StartForTest(t, tc.cfg)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(srv, tcssTestLimits, hssTestLimits) + findingsBoth(tc.args),
					Check:  checkFindingsMatchEvents(tc.min),
				}},
			})
		})
	}
}

// TestAccOCSFFindingsBadArgumentsFailAtPlan: each rule has its message, and
// no request is sent.
func TestAccOCSFFindingsBadArgumentsFailAtPlan(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{TencentQuota: -1})
	steps := []resource.TestStep{}
	for args, want := range map[string]string{
		"last_days = 3\n  format = \"xml\"":                                            `Attribute format value must be one of: \["json" "ndjson"\], got: "xml"`,
		"last_days = 0":                                                                `last_days must be at least 1`,
		"last_days = 3\n  begin_time = \"2026-11-01T00:00:00Z\"":                       `Two time ranges`,
		"end_time = \"2026-11-01T00:00:00Z\"":                                          `must be configured together: \[begin_time,end_time\]`,
		"severities = [\"high\"]":                                                      `Missing time range`,
		"last_days = 3\n  severities = [\"severe\"]":                                   `value must be one of`,
		"last_days = 3\n  clouds = [\"aws\"]":                                          `value must be one of`,
		"last_days = 3\n  time_field = \"latest_found_time\"":                          `Attribute time_field value must be one of`,
		"last_days = 3\n  max_results = -1":                                            `max_results must be a whole number from 0`,
		"begin_time = \"2026-11-02T00:00:00Z\"\n  end_time = \"2026-11-01T00:00:00Z\"": `must be after begin_time`,
	} {
		steps = append(steps, resource.TestStep{
			Config:      providerConfig(srv, tcssTestLimits, hssTestLimits) + "data \"cwpp_ocsf_findings\" \"bad\" {\n  " + args + "\n}\n",
			PlanOnly:    true,
			ExpectError: wrapped(want),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testProviderFactories, Steps: steps})
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the local cloud saw %d requests; bad arguments must fail before any request", n)
	}
}

// TestAccOCSFFindingsOutputPath: with output_path the findings are in the
// file, whole, mode 0600, and not in state; its SHA-256 is the string's.
func TestAccOCSFFindingsOutputPath(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: 60, HSSEvents: 80, TencentQuota: -1})
	dir := t.TempDir()
	file := filepath.Join(dir, "findings.ndjson")
	writeFile(t, file, "an older export, replaced whole\n")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(srv, tcssTestLimits, hssTestLimits) + fmt.Sprintf(`
data "cwpp_ocsf_findings" "file" {
  last_days   = 7
  format      = "ndjson"
  output_path = %q
}
data "cwpp_ocsf_findings" "string" {
  last_days = 7
  format    = "ndjson"
}
`, file),
			Check: func(s *terraform.State) error {
				inFile := s.RootModule().Resources["data.cwpp_ocsf_findings.file"].Primary.Attributes
				inState := s.RootModule().Resources["data.cwpp_ocsf_findings.string"].Primary.Attributes
				if v, ok := inFile["findings"]; ok && v != "" {
					return fmt.Errorf("findings is in state with output_path: %.80s", v)
				}
				data, err := os.ReadFile(file)
				if err != nil {
					return err
				}
				info, err := os.Stat(file)
				if err != nil {
					return err
				}
				if info.Mode().Perm() != 0o600 {
					return fmt.Errorf("the file's mode is %v, want 0600", info.Mode().Perm())
				}
				findings, err := findingsOf(string(data), true)
				if err != nil {
					return err
				}
				sum := sha256.Sum256(data)
				if len(findings) < 20 || inFile["matched_count"] != strconv.Itoa(len(findings)) ||
					inFile["findings_sha256"] != hex.EncodeToString(sum[:]) || inState["findings_sha256"] != inFile["findings_sha256"] ||
					inState["findings"] != string(data) {
					return fmt.Errorf("the file has %d findings, sha256 %x; state: matched_count %s, findings_sha256 %s; the string's %s",
						len(findings), sum, inFile["matched_count"], inFile["findings_sha256"], inState["findings_sha256"])
				}
				if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*")); len(leftovers) > 0 {
					return fmt.Errorf("temporary files left: %v", leftovers)
				}
				return nil
			},
		}, {
			Config: providerConfig(srv, tcssTestLimits, hssTestLimits) + fmt.Sprintf(`
data "cwpp_ocsf_findings" "file" {
  last_days   = 7
  output_path = %q
}
`, filepath.Join(dir, "no-such-directory", "findings.json")),
			ExpectError: wrapped(`Writing the findings failed`),
		}},
	})
}

// TestAccOCSFFindingsEventWithoutID: an event that cannot be a finding fails
// the read with its reason; cwpp_process_events keeps it.
func TestAccOCSFFindingsEventWithoutID(t *testing.T) {
	fixtures, err := localcloud.ParseFixtures("no-id.json", []byte(`{
  "now": "2026-11-30T12:00:00Z",
  "huaweicloud": {"events": [{"occur_time": 1796004000051, "severity": "High", "handle_status": "unhandled"}]}
}`))
	if err != nil {
		t.Fatal(err)
	}
	srv := localcloud.StartForTest(t, localcloud.Config{Fixtures: fixtures, TencentQuota: -1})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(srv, tcssTestLimits, hssTestLimits) + `
data "cwpp_process_events" "kept" {
  last_days = 3
  clouds    = ["huaweicloud"]
}
output "kept" { value = length(data.cwpp_process_events.kept.events) }
`,
			Check: resource.TestCheckOutput("kept", "1"),
		}, {
			Config: providerConfig(srv, tcssTestLimits, hssTestLimits) + `
data "cwpp_ocsf_findings" "bad" {
  last_days = 3
  clouds    = ["huaweicloud"]
}
`,
			ExpectError: wrapped(`An event cannot be an OCSF finding`),
		}},
	})
}
