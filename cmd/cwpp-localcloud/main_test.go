package main

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// The tests run the command as users do: built, then started as a process.
var binary string

func TestMain(m *testing.M) {
	if os.Getenv("CWPP_LOCALCLOUD_HELPER") != "" {
		os.Exit(helper())
	}
	dir, err := os.MkdirTemp("", "cwpp-localcloud")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "cwpp-localcloud")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

const fixture = `{
  "now": "2026-11-30T12:00:00+08:00",
  "tencentcloud": {"events": [
    {"Id": "tc-1", "FoundTime": "2026-11-30 09:00:00", "Status": "EVENT_UNDEAL", "MatchRuleLevel": "HIGH"},
    {"Id": "tc-2", "FoundTime": "2026-11-20 09:00:00", "Status": "EVENT_DEALED", "MatchRuleLevel": "LOW"}
  ]},
  "huaweicloud": {"events": [
    {"event_id": "hw-1", "occur_time": 1796000400000, "severity": "Critical", "host_name": "web-1", "handle_status": "unhandled"}
  ]}
}`

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// start runs the command to its end and returns its exit status and stderr.
func start(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

func assertStopped(t *testing.T, urlFile string) {
	t.Helper()
	raw, err := os.ReadFile(urlFile)
	if err != nil {
		t.Fatalf("the server never wrote its URL: %v", err)
	}
	u, _ := url.Parse(string(raw))
	if conn, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
		_ = conn.Close()
		t.Errorf("the server at %s still accepts connections after the command ended", u.Host)
	}
}

func TestCommandGetsTheProviderEnvironmentAndItsStatusIsPassedOn(t *testing.T) {
	dir := t.TempDir()
	urlFile, envFile := filepath.Join(dir, "url"), filepath.Join(dir, "env")
	status, stderr := start(t, []string{
		"TENCENTCLOUD_SECRET_ID=AKIDsomeonesrealkey", "TENCENTCLOUD_SECURITY_TOKEN=real-token",
		"HW_ASSUME_ROLE_AGENCY_NAME=real-agency", "TENCENTCLOUD_TIME_ZONE=UTC", "KEPT=yes",
	}, "-fixtures", write(t, "f.json", fixture), "-url-file", urlFile, "--", "sh", "-c", `env > "$0"; exit 3`, envFile)
	if status != 3 {
		t.Fatalf("exit status %d, want the command's 3; stderr:\n%s", status, stderr)
	}
	raw, _ := os.ReadFile(envFile)
	env := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		k, v, _ := strings.Cut(line, "=")
		env[k] = v
	}
	serverURL, _ := os.ReadFile(urlFile)
	want := map[string]string{
		"TENCENTCLOUD_SECRET_ID": "AKIDcwppLocalCloudTencent7f3a9c", "TENCENTCLOUD_SECRET_KEY": "cwpp-local-tencent-secret-5d1e8b2a",
		"TENCENTCLOUD_TCSS_ENDPOINT": string(serverURL), "HW_ACCESS_KEY": "CWPPLOCALHUAWEIAK4C2E",
		"HW_SECRET_KEY": "cwpp-local-huawei-secret-93b7f0d6", "HW_PROJECT_ID": "0cwpp0local0project0000000000001",
		"HW_REGION_NAME": "cn-north-4", "HW_HSS_ENDPOINT": string(serverURL), "TENCENTCLOUD_TIME_ZONE": "UTC", "KEPT": "yes",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s=%q in the command's environment, want %q", k, env[k], v)
		}
	}
	for _, k := range []string{"TENCENTCLOUD_SECURITY_TOKEN", "HW_ASSUME_ROLE_AGENCY_NAME"} {
		if v, ok := env[k]; ok {
			t.Errorf("%s=%q reached the command: a real account's token or role would fail here", k, v)
		}
	}
	assertStopped(t, urlFile)
}

func TestCommandKilledBySignal(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "url")
	status, _ := start(t, nil, "-url-file", urlFile, "--", "sh", "-c", "kill -TERM $$")
	if status != 128+int(syscall.SIGTERM) {
		t.Errorf("exit status %d, want %d as a shell reports SIGTERM", status, 128+int(syscall.SIGTERM))
	}
	assertStopped(t, urlFile)
}

func TestCommandNotFound(t *testing.T) {
	status, stderr := start(t, nil, "--", "no-such-command-cwpp")
	if status != 127 || !strings.Contains(stderr, "cannot run no-such-command-cwpp") {
		t.Errorf("exit status %d, stderr %q; want 127 and the reason", status, stderr)
	}
}

func TestBadInputStopsBeforeTheCommand(t *testing.T) {
	bad := write(t, "dirty.json", `{"tencentcloud": {"events": [{"Id": "a", "MatchRuleLvl": "HIGH"}]}}`)
	high := write(t, "high.json", `{"tencentcloud": {"events": [{"Id": "a", "MatchRuleLevel": "High"}]}}`)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"a misspelled field", []string{"-fixtures", bad},
			`cwpp-localcloud: -fixtures: ` + bad + `: unknown field "MatchRuleLvl" in tencentcloud.events[0]: did you mean "MatchRuleLevel"?`},
		{"fixtures with generated events", []string{"-fixtures", write(t, "f.json", fixture), "-hss-events", "10"},
			`cwpp-localcloud: -hss-events cannot be combined with -fixtures: the fixtures are the only events served`},
		{"a command without --", nil, `cwpp-localcloud: put -- before the command to run`},
		{"an unknown zone", []string{"-tcss-time-zone", "Mars/Olympus"}, `cwpp-localcloud: -tcss-time-zone must be an IANA zone`},
		{"a scenario's bad file", []string{"-fixtures", write(t, "clean.json", fixture), "-fixtures", "dirty=" + bad},
			`cwpp-localcloud: -fixtures dirty=...: ` + bad + `: unknown field "MatchRuleLvl" in tencentcloud.events[0]: did you mean "MatchRuleLevel"?`},
		{"a scenario named as a default key id", []string{"-fixtures", "AKIDcwppLocalCloudTencent7f3a9c=" + write(t, "f2.json", fixture)},
			`cwpp-localcloud: the scenario name "AKIDcwppLocalCloudTencent7f3a9c" is a key id already`},
		{"a value in the wrong case", []string{"-fixtures", high},
			`cwpp-localcloud: -fixtures: ` + high + `: tencentcloud.events[0].MatchRuleLevel: "High" is not a TCSS rule level; did you mean "HIGH"? (HIGH, MIDDLE, LOW)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			marker := filepath.Join(t.TempDir(), "ran")
			args := append(tc.args, "--", "touch", marker)
			if tc.name == "a command without --" {
				args = []string{"touch", marker}
			}
			status, stderr := start(t, nil, args...)
			if status != 2 || !strings.HasPrefix(stderr, tc.want) {
				t.Errorf("exit status %d, stderr %q; want 2 and %q", status, stderr, tc.want)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Error("the command ran")
			}
		})
	}
}

func TestServesUntilInterrupted(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "url")
	cmd := exec.Command(binary, "-url-file", urlFile, "-hss-events", "3")
	var stderr strings.Builder
	cmd.Stderr = &stderr // read only after Wait: the copying goroutine writes it
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(urlFile); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("interrupted: %v, want exit status 0; stderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "export TENCENTCLOUD_SECRET_ID=AKIDcwppLocalCloudTencent7f3a9c") {
		t.Errorf("no environment printed:\n%s", stderr.String())
	}
	assertStopped(t, urlFile)
}

// TestFixturesReachTheSDKs runs this test binary as the command: it reads
// both clouds with the provider's clients from the exported environment.
func TestFixturesReachTheSDKs(t *testing.T) {
	self, _ := os.Executable()
	out := filepath.Join(t.TempDir(), "out")
	status, stderr := start(t, []string{"CWPP_LOCALCLOUD_HELPER=" + out}, "-fixtures", write(t, "f.json", fixture), "--", self)
	if status != 0 {
		t.Fatalf("helper exit status %d:\n%s", status, stderr)
	}
	got, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "tcss: tc-1 ") || !strings.HasPrefix(lines[1], "tcss: tc-2 ") || lines[2] != "hss: hw-1" {
		t.Fatalf("the helper read:\n%s\nwant tc-1 and tc-2 newest first, then hw-1", got)
	}
	// "now" moved the times: tc-1, 3 hours before "now", is 3 hours old.
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	found, err := time.ParseInLocation(time.DateTime, strings.TrimPrefix(lines[0], "tcss: tc-1 "), shanghai)
	if age := time.Since(found); err != nil || age < 3*time.Hour-time.Minute || age > 3*time.Hour+time.Minute {
		t.Errorf("tc-1 found at %s (%v): %s old, want 3h", lines[0], err, age)
	}
}

// helper is the command of TestFixturesReachTheSDKs.
func helper() int {
	ctx := context.Background()
	tc, err := tencentcloud.NewClient(tencentcloud.Config{
		SecretID: os.Getenv("TENCENTCLOUD_SECRET_ID"), SecretKey: os.Getenv("TENCENTCLOUD_SECRET_KEY"),
		Region: "ap-guangzhou", Endpoint: os.Getenv("TENCENTCLOUD_TCSS_ENDPOINT"), RequestsPerSecond: 10,
	})
	if err != nil {
		return fatal(err)
	}
	limit := uint64(100)
	list, err := tc.DescribeAbnormalProcessEvents(ctx, "", tencentcloud.DescribeAbnormalProcessEventsRequest{Limit: &limit})
	if err != nil {
		return fatal(err)
	}
	var b strings.Builder
	for _, e := range list.EventSet {
		b.WriteString("tcss: " + *e.Id + " " + *e.FoundTime + "\n")
	}
	hw, err := huaweicloud.NewClient(huaweicloud.Config{
		AccessKey: os.Getenv("HW_ACCESS_KEY"), SecretKey: os.Getenv("HW_SECRET_KEY"), Region: os.Getenv("HW_REGION_NAME"),
		ProjectID: os.Getenv("HW_PROJECT_ID"), Endpoint: os.Getenv("HW_HSS_ENDPOINT"), RequestsPerSecond: 10,
	})
	if err != nil {
		return fatal(err)
	}
	days := int32(7)
	page, err := hw.ListAppWhitelistEventPage(ctx, huaweicloud.Target{}, &huaweicloud.ListAppWhitelistEventRequest{LastDays: &days, Limit: 200})
	if err != nil {
		return fatal(err)
	}
	for _, e := range page.DataList {
		b.WriteString("hss: " + *e.EventID + "\n")
	}
	if err := os.WriteFile(os.Getenv("CWPP_LOCALCLOUD_HELPER"), []byte(b.String()), 0o600); err != nil {
		return fatal(err)
	}
	return 0
}

func fatal(err error) int {
	_, _ = os.Stderr.WriteString(err.Error() + "\n")
	return 1
}
