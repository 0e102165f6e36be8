// Command cwpp-localcloud is the local cloud as a command: one loopback
// server that speaks Tencent Cloud TCSS and Huawei Cloud HSS as the provider
// calls them, checks every request's signature, and serves generated events
// or, with -fixtures, exactly the events of your files. Install it with
//
//	go install github.com/cwpp-terraform/terraform-provider-cwpp/cmd/cwpp-localcloud@latest
//
// It runs until interrupted and prints the environment that points the
// provider at it, or runs one command with that environment and exits with
// the command's status:
//
//	cwpp-localcloud -fixtures dirty.json -- terraform test
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/quota"
)

// Exit statuses of the command itself; with -- CMD, CMD's own status.
const (
	exitUsage    = 2   // bad flags or fixtures: nothing ran
	exitNotFound = 127 // CMD could not be started, as in a shell
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// fileList collects a repeatable flag.
type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("cwpp-localcloud", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		say(stderr, `usage: cwpp-localcloud [flags] [-- CMD [ARGS...]]

Serves TCSS and HSS on loopback until interrupted, or, given CMD, runs CMD
with the provider's environment pointing at it and exits with CMD's status.

`)
		fs.PrintDefaults()
	}
	var fixtures fileList
	fs.Var(&fixtures, "fixtures", "serve exactly the events of this fixture file, instead of generated ones (repeatable); "+
		"NAME=FILE adds FILE to scenario NAME, served to requests signed with key id NAME (SecretId / AccessKey) and the exported secret")
	listen := fs.String("listen", "127.0.0.1:0", "loopback address to listen on (port 0: any free port)")
	tcssEvents := fs.Int("tcss-events", 50, "generated TCSS events (ids evt-00001...), besides the reference example 5202566")
	hssEvents := fs.Int("hss-events", 500, "generated HSS events over the last 30 days, besides the reference example")
	hssShape := fs.String("hss-shape", "mixed", "generated HSS events: mixed (3 in 7 sparse, as real data), full (every field) or sparse (most optional fields absent)")
	tcssQuota := fs.Int("tcss-quota", 20, "TCSS requests per second before RequestLimitExceeded (negative: none)")
	hssQuota := fs.Int("hss-quota", 0, "HSS requests per second before HTTP 429 APIGW.0308 (0: none)")
	tcssQuotaModel := fs.String("tcss-quota-model", string(quota.FixedWindow), "how TCSS counts -tcss-quota: fixed-window (per wall-clock second), sliding-window (the last 1,000 ms) or token-bucket (burst = quota)")
	hssQuotaModel := fs.String("hss-quota-model", string(quota.FixedWindow), "how HSS counts -hss-quota: fixed-window, sliding-window or token-bucket")
	cmdLine := fs.Int("hss-cmdline-bytes", 0, "pad the process_cmdline of every HSS event served to this many bytes (0: as generated)")
	zoneName := fs.String("tcss-time-zone", envOr("TENCENTCLOUD_TIME_ZONE", localcloud.TCSSZone), "zone of TCSS's zone-less times, for generated events and a fixture's \"now\" (default: TENCENTCLOUD_TIME_ZONE, else Asia/Shanghai)")
	latency := fs.Duration("latency", 0, "latency added to every request of both clouds")
	jitter := fs.Duration("jitter", 0, "random latency added on top of -latency, up to this much")
	var readings localcloud.Readings
	fs.StringVar(&readings.TCSSBy, "tcss-by", localcloud.TCSSByHonoured, "how TCSS takes the list's By: honoured, ignored (its own order, not by time) or refused (InvalidParameterValue.By)")
	fs.BoolVar(&readings.TCSSStatusIgnored, "tcss-status-ignored", false, "TCSS accepts the Status filter and does not apply it")
	fs.BoolVar(&readings.HSSRangeRequired, "hss-range-required", false, "HSS refuses a request without begin_time and end_time, even with last_days")
	fs.BoolVar(&readings.HSSPrivateIPIgnored, "hss-private-ip-ignored", false, "HSS accepts private_ip and does not apply it")
	fs.BoolVar(&readings.HSSHostFieldsInResourceInfo, "hss-host-fields-in-resource-info", false, "HSS events have no top-level host_name, private_ip or public_ip: the host is only in resource_info")
	fs.BoolVar(&readings.HSSAllProjectsRefused, "hss-all-projects-refused", false, "HSS refuses enterprise_project_id=all_granted_eps, as an account without enterprise projects may")
	fs.BoolVar(&readings.HSSEndTimeExclusive, "hss-end-time-exclusive", false, "HSS reads end_time as exclusive")
	fs.IntVar(&readings.TCSSTotalCap, "tcss-total-cap", 0, "cap the TotalCount TCSS reports (0: none); the pages still hold every event")
	fs.IntVar(&readings.HSSTotalCap, "hss-total-cap", 0, "cap the total_num HSS reports (0: none); the pages still hold every event")
	hssProjects := fs.Int("hss-enterprise-projects", 1, "spread generated HSS events over this many enterprise projects: 0 (the default project), ep-1, ...")
	urlFile := fs.String("url-file", "", "write the server's URL to this file once it listens")
	logFile := fs.String("log", "", "append the request log, JSON lines, to this file ('-' for stderr)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return exitUsage
	}
	command := fs.Args()
	fail := func(format string, a ...any) int {
		say(stderr, "cwpp-localcloud: "+format+"\n", a...)
		return exitUsage
	}
	if at := len(args) - len(command); len(command) > 0 && (at == 0 || args[at-1] != "--") {
		return fail("put -- before the command to run, such as: cwpp-localcloud -fixtures f.json -- terraform test")
	}

	cfg := localcloud.Config{
		TencentQuota: *tcssQuota, HuaweiQuota: *hssQuota, HSSCmdLineBytes: *cmdLine, TCSSEvents: *tcssEvents, HSSEvents: *hssEvents,
		Readings: readings, HSSEnterpriseProjects: *hssProjects,
		TencentQuotaModel: quota.Model(*tcssQuotaModel), HuaweiQuotaModel: quota.Model(*hssQuotaModel),
	}
	shape, ok := map[string]localcloud.Shape{"mixed": localcloud.ShapeMixed, "full": localcloud.ShapeFull, "sparse": localcloud.ShapeSparse}[*hssShape]
	if !ok {
		return fail("-hss-shape must be mixed, full or sparse, not %q", *hssShape)
	}
	cfg.HSSShape = shape
	for flag, model := range map[string]string{"-tcss-quota-model": *tcssQuotaModel, "-hss-quota-model": *hssQuotaModel} {
		if _, err := quota.Parse(model); err != nil {
			return fail("%s: %v", flag, err)
		}
	}
	zone, err := time.LoadLocation(*zoneName)
	if err != nil || *zoneName == "" || *zoneName == "Local" {
		return fail("-tcss-time-zone must be an IANA zone such as Asia/Shanghai or UTC, not %q", *zoneName)
	}
	cfg.TCSSTimeZone = zone
	var notes []string
	if len(fixtures) > 0 {
		var clash []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "tcss-events" || f.Name == "hss-events" || f.Name == "hss-shape" || f.Name == "hss-enterprise-projects" {
				clash = append(clash, "-"+f.Name)
			}
		})
		if len(clash) > 0 {
			return fail("%s cannot be combined with -fixtures: the fixtures are the only events served", strings.Join(clash, " and "))
		}
		files, scenarios := splitScenarios(fixtures)
		if len(files) > 0 {
			if cfg.Fixtures, err = localcloud.LoadFixtures(files...); err != nil {
				return fail("-fixtures: %v", err)
			}
			notes = append(notes, cfg.Fixtures.Notes...)
		} else {
			cfg.Fixtures = &localcloud.Fixtures{} // the default key ids see an empty account, not generated events
		}
		cfg.Scenarios = map[string]*localcloud.Fixtures{}
		for _, name := range sortedNames(scenarios) {
			f, err := localcloud.LoadFixtures(scenarios[name]...)
			if err != nil {
				return fail("-fixtures %s=...: %v", name, err)
			}
			cfg.Scenarios[name] = f
			notes = append(notes, f.Notes...)
		}
	}
	switch *logFile {
	case "":
	case "-":
		cfg.Log = stderr
	default:
		f, err := os.OpenFile(*logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return fail("%v", err)
		}
		defer func() { _ = f.Close() }()
		cfg.Log = f
	}

	// Signals are caught before anything can see the server (the URL file
	// included), so an early Ctrl-C stops it cleanly too.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)

	srv, err := localcloud.StartOn(*listen, cfg)
	if err != nil {
		return fail("%v", err)
	}
	for _, note := range notes {
		say(stderr, "cwpp-localcloud: -fixtures: %s\n", note)
	}
	defer stop(srv)
	if *latency > 0 || *jitter > 0 {
		for _, c := range []localcloud.Cloud{localcloud.Tencent, localcloud.Huawei} {
			srv.SetFaults(c, localcloud.Faults{Latency: *latency, Jitter: *jitter})
		}
	}
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(srv.URL()), 0o644); err != nil {
			return fail("%v", err)
		}
	}
	if len(command) == 0 {
		say(stderr, "local cloud listening on %s (Ctrl-C stops it). Point the provider at it:\n\n", srv.URL())
		for _, line := range exportLines(srv.URL()) {
			say(stderr, "%s\n", line)
		}
		<-signals
		return 0
	}
	say(stderr, "cwpp-localcloud: local cloud at %s, running %s\n", srv.URL(), strings.Join(command, " "))
	return runCommand(command, srv.URL(), signals, stderr)
}

// scenarioArg is NAME=FILE: a key id, then the file.
var scenarioArg = regexp.MustCompile(`^([A-Za-z0-9_-]{1,64})=(.+)$`)

// splitScenarios sorts -fixtures values into the default scenario's files
// and each named scenario's.
func splitScenarios(values []string) (files []string, scenarios map[string][]string) {
	scenarios = map[string][]string{}
	for _, v := range values {
		if m := scenarioArg.FindStringSubmatch(v); m != nil {
			scenarios[m[1]] = append(scenarios[m[1]], m[2])
			continue
		}
		files = append(files, v)
	}
	return files, scenarios
}

func sortedNames(m map[string][]string) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// runCommand runs CMD with the provider's environment, passing on the signals
// this process gets, and returns its exit status (128+n when signal n ended it).
func runCommand(command []string, url string, signals <-chan os.Signal, stderr io.Writer) int {
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = commandEnv(os.Environ(), url)
	if err := cmd.Start(); err != nil {
		say(stderr, "cwpp-localcloud: cannot run %s: %v\n", command[0], err)
		return exitNotFound
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-signals:
			_ = cmd.Process.Signal(sig)
		case err := <-done:
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				if status, ok := exit.Sys().(syscall.WaitStatus); ok && status.Signaled() {
					return 128 + int(status.Signal())
				}
				return exit.ExitCode()
			}
			if err != nil {
				say(stderr, "cwpp-localcloud: %s: %v\n", command[0], err)
				return 1
			}
			return 0
		}
	}
}

// providerEnv is what points the provider at the local cloud.
func providerEnv(url string) [][2]string {
	return [][2]string{
		{"TENCENTCLOUD_SECRET_ID", localcloud.TencentSecretID}, {"TENCENTCLOUD_SECRET_KEY", localcloud.TencentSecretKey},
		{"TENCENTCLOUD_TCSS_ENDPOINT", url},
		{"HW_ACCESS_KEY", localcloud.HuaweiAccessKey}, {"HW_SECRET_KEY", localcloud.HuaweiSecretKey},
		{"HW_PROJECT_ID", localcloud.HuaweiProjectID}, {"HW_REGION_NAME", "cn-north-4"}, {"HW_HSS_ENDPOINT", url},
	}
}

// droppedEnv are variables of a real account that would send the provider
// elsewhere or fail every signature here: tokens and assumed roles.
var droppedEnv = []string{"TENCENTCLOUD_SECURITY_TOKEN", "TENCENTCLOUD_ASSUME_ROLE_", "HW_SECURITY_TOKEN", "HW_ASSUME_ROLE_"}

// commandEnv is env with the provider's variables set and droppedEnv removed.
func commandEnv(env []string, url string) []string {
	set := providerEnv(url)
	out := make([]string, 0, len(env)+len(set))
next:
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		for _, p := range set {
			if name == p[0] {
				continue next
			}
		}
		for _, prefix := range droppedEnv {
			if strings.HasPrefix(name, prefix) {
				continue next
			}
		}
		out = append(out, kv)
	}
	for _, p := range set {
		out = append(out, p[0]+"="+p[1])
	}
	return out
}

func exportLines(url string) []string {
	var tencent, huawei []string
	for _, p := range providerEnv(url) {
		if strings.HasPrefix(p[0], "HW_") {
			huawei = append(huawei, p[0]+"="+p[1])
		} else {
			tencent = append(tencent, p[0]+"="+p[1])
		}
	}
	return []string{"export " + strings.Join(tencent, " "), "export " + strings.Join(huawei, " ")}
}

// say writes a message for the user; stderr going away is no reason to stop.
func say(w io.Writer, format string, a ...any) { _, _ = fmt.Fprintf(w, format, a...) }

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// stop closes the server, waiting at most 3 s for open requests.
func stop(srv *localcloud.Server) {
	done := make(chan struct{})
	go func() { _ = srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
	}
}
