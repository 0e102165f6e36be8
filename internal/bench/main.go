// Command bench measures the provider against the limits set by the APIs'
// round-trip time and rate quotas, each figure beside a baseline measured in
// the same run, and prints a Markdown table for BENCHMARKS.md:
//
//	make bench    (go run ./internal/bench -runs 3)
//
// It runs the Go benchmarks (paging, conversion) and real `terraform` runs of
// the provider binary against the local cloud with injected latency.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/quota"
)

var (
	runs      = flag.Int("runs", 3, "runs of each scenario; figures are medians with min and max")
	terraform = flag.String("terraform", ".tools/terraform", "the Terraform CLI to drive")
	only      = flag.String("only", "", "run one section: paging, foreach, endtoend, scale, tcsslist, sharedquota, splitquota, tcssrange, processevents, ocsf or startup (default: all)")
	// baselineRev is the provider the sharedquota section compares with:
	// the adaptive limiter before it cut to the delivered share (22420e0 is
	// the one before it probed linearly past lastMax, 545e5a1 the one before
	// it adapted at all, with a fixed 98% of requests_per_second).
	baselineRev = flag.String("baseline-rev", "b2f54f6", "git revision of the provider the sharedquota section compares with")
)

func main() {
	flag.Parse()
	log.SetFlags(0)
	tf, err := filepath.Abs(*terraform)
	if err != nil {
		log.Fatal(err)
	}
	b := &bench{terraform: tf}
	if err := b.setup(); err != nil {
		log.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(b.dir) }()

	fmt.Printf("Machine: %s/%s, %d CPUs, %s; %s; %s; %d runs each.\n\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(),
		cpuModel(), runtime.Version(), strings.TrimSpace(firstLine(b.output(tf, "version"))), *runs)
	fmt.Println("| # | Measure | Result (median [min, max]) | Baseline in the same run | Ratio | Goal |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, section := range []struct {
		name string
		run  func()
	}{{"paging", b.paging}, {"foreach", b.forEachUnderQuota}, {"endtoend", b.endToEnd}, {"scale", b.listsAtScale}, {"tcsslist", b.tcssList}, {"sharedquota", b.sharedQuota}, {"splitquota", b.splitQuota}, {"tcssrange", b.tcssRange}, {"processevents", b.processEvents}, {"ocsf", b.ocsfFindings}, {"startup", b.startup}} {
		if *only == "" || *only == section.name {
			section.run()
		}
	}
}

type bench struct {
	terraform  string
	lastOutput string // of the last run
	dir        string // temp dir: provider binaries, CLI configs
	binary     string
	rc         string // CLI configuration with binary as a dev override
	env        []string
	// The framework-only build, the baseline of the list data sources' fast path.
	frameworkBinary, frameworkRC string
}

func (b *bench) setup() error {
	dir, err := os.MkdirTemp("", "cwpp-bench")
	if err != nil {
		return err
	}
	b.dir = dir
	b.binary = filepath.Join(dir, "bin", "terraform-provider-cwpp")
	b.frameworkBinary = filepath.Join(dir, "framework", "terraform-provider-cwpp")
	log.Printf("bench: building the provider and its framework-only baseline")
	for bin, pkg := range map[string]string{b.binary: ".", b.frameworkBinary: "./internal/bench/frameworkprovider"} {
		if out, err := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, pkg).CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	if b.rc, err = devOverrides(dir, "cli.tfrc", b.binary); err != nil {
		return err
	}
	if b.frameworkRC, err = devOverrides(dir, "framework.tfrc", b.frameworkBinary); err != nil {
		return err
	}
	b.env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+b.rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	return nil
}

// devOverrides writes a CLI configuration that runs binary as the provider.
func devOverrides(dir, name, binary string) (string, error) {
	rc := filepath.Join(dir, name)
	return rc, os.WriteFile(rc, []byte(`provider_installation {
  dev_overrides {
    "registry.terraform.io/cwpp-terraform/cwpp" = "`+filepath.Dir(binary)+`"
  }
  direct {}
}
`), 0o600)
}

func (b *bench) output(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		log.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

// row prints one line of the table.
func row(n, measure, result, baseline, ratio, goal string) {
	fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", n, measure, result, baseline, ratio, goal)
}

// stats is a median with its min and max.
type stats struct{ median, min, max float64 }

func summarize(xs []float64) stats {
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stats{m, s[0], s[len(s)-1]}
}

func (s stats) format(unit string, digits int) string {
	return fmt.Sprintf("%.*f %s [%.*f, %.*f]", digits, s.median, unit, digits, s.min, digits, s.max)
}

// goBench runs go test benchmarks and returns every metric of every line,
// by benchmark name (without the -N suffix) and unit.
func goBench(pkg, pattern string, extra ...string) map[string]map[string][]float64 {
	args := append([]string{"test", "-run", "^$", "-bench", pattern, "-count", strconv.Itoa(*runs)}, extra...)
	log.Printf("bench: go %s %s", strings.Join(args, " "), pkg)
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		log.Fatalf("go test -bench: %v\n%s", err, out)
	}
	results := map[string]map[string][]float64{}
	suffix := regexp.MustCompile(`-\d+$`)
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := suffix.ReplaceAllString(f[0], "")
		if results[name] == nil {
			results[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err == nil {
				results[name][f[i+1]] = append(results[name][f[i+1]], v)
			}
		}
	}
	return results
}

func (b *bench) paging() {
	res := goBench("./internal/huaweicloud/", "BenchmarkPaging", "-benchtime", "3x")
	for i, scenario := range []struct{ name, label string }{
		{"5000_events_last_days", "HSS `last_days = 30`, 5,000 events (sent as 15 windows of 2 days), 100 ms latency"},
		{"5000_events_30d_range", "HSS 30-day `begin_time`/`end_time` range (15 windows), 5,000 events, 100 ms latency"},
	} {
		seq := res["BenchmarkPaging/"+scenario.name+"/sequential"]["ns/op"]
		conc := res["BenchmarkPaging/"+scenario.name+"/concurrent"]
		ratios, bounds := make([]float64, len(seq)), make([]float64, len(seq))
		for j := range seq {
			ratios[j] = conc["ns/op"][j] / seq[j]
			bounds[j] = conc["ns/op"][j] / 1e9 / conc["bound-s"][j]
		}
		c, s := summarize(seconds(conc["ns/op"])), summarize(seconds(seq))
		row(strconv.Itoa(i+1), scenario.label+" (Go benchmark, 8 workers, 100 req/s)", c.format("s", 3)+
			fmt.Sprintf("; %.0f requests", summarize(conc["requests"]).median),
			"sequential paging: "+s.format("s", 3)+fmt.Sprintf("; lower bound %.2f s", conc["bound-s"][0]),
			fmt.Sprintf("%.2fx sequential [%.2f, %.2f]; %.2fx bound", summarize(ratios).median, summarize(ratios).min,
				summarize(ratios).max, summarize(bounds).median),
			"≤ 0.3x sequential, ≤ 1.5x bound")
	}
	conv := goBench("./internal/provider/", "BenchmarkHSSEventsToState", "-benchtime", "2x", "-benchmem")
	for _, shape := range []string{"full", "sparse"} {
		fast, framework := conv["BenchmarkHSSEventsToState/"+shape+"/5000_events/fast"], conv["BenchmarkHSSEventsToState/"+shape+"/5000_events/framework"]
		large := conv["BenchmarkHSSEventsToState/"+shape+"/50000_events/fast"]
		f, fw, l := summarize(seconds(fast["ns/op"])), summarize(seconds(framework["ns/op"])), summarize(seconds(large["ns/op"]))
		row("4b", fmt.Sprintf("Events to state msgpack, 5,000 %s events (Go benchmark, fast path)", shape), f.format("s", 3),
			"framework's generic path: "+fw.format("s", 2)+"; 50,000 events fast: "+l.format("s", 2),
			fmt.Sprintf("%.3fx framework; %.1fx time for 10x events; %.0f allocs, %.1f KiB per event", f.median/fw.median,
				l.median/f.median, summarize(fast["allocs/op"]).median/5000, summarize(fast["B/op"]).median/5000/1024),
			"linear (≈10x)")
	}
}

// seconds converts nanoseconds.
func seconds(ns []float64) []float64 {
	out := make([]float64, len(ns))
	for i, x := range ns {
		out[i] = x / 1e9
	}
	return out
}

// run times one terraform command in a fresh directory holding main.tf.
func (b *bench) run(mainTF string, args ...string) time.Duration {
	return b.runEnv(mainTF, nil, args...)
}

// runEnv is run with more environment, which wins over b.env.
func (b *bench) runEnv(mainTF string, env []string, args ...string) time.Duration {
	dir, err := os.MkdirTemp(b.dir, "run")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(mainTF), 0o600); err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command(b.terraform, args...)
	cmd.Dir, cmd.Env = dir, append(slices.Clone(b.env), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		log.Fatalf("terraform %v: %v\n%s", args, err, out.String())
	}
	b.lastOutput = out.String()
	return time.Since(start)
}

// providerBlock configures the provider against a local cloud.
func providerBlock(srv *localcloud.Server, huaweiExtra string) string {
	return requiredProviders + srv.ProviderHCL("", huaweiExtra)
}

const requiredProviders = `terraform {
  required_providers {
    cwpp = { source = "cwpp-terraform/cwpp" }
  }
}
`

// tcssDetailReads is a for_each of n TCSS detail reads, evt-00001 to the
// nth, as a user feeds a list's ids to cwpp_tcss_abnormal_process.
func tcssDetailReads(n int) string {
	return fmt.Sprintf(`
data "cwpp_tcss_abnormal_process" "all" {
  for_each = toset([for i in range(1, %d) : format("evt-%%05d", i)])
  event_id = each.value
}
`, n+1)
}

func startCloud(cfg localcloud.Config) *localcloud.Server {
	srv, err := localcloud.Start(cfg)
	if err != nil {
		log.Fatal(err)
	}
	return srv
}

func (b *bench) forEachUnderQuota() {
	const n, quota = 200, 20
	srv := startCloud(localcloud.Config{TCSSEvents: n, TencentQuota: quota})
	defer func() { _ = srv.Close() }()
	config := providerBlock(srv, "") + tcssDetailReads(n)
	var times, empty []float64
	throttled := 0
	for range *runs {
		// The baseline: the same plan with no data source, the CLI's own cost.
		d := b.run(providerBlock(srv, ""), "plan", "-input=false", "-refresh=false")
		empty = append(empty, d.Seconds())
		srv.ResetRequests()
		d = b.run(config, "plan", "-input=false")
		times = append(times, d.Seconds())
		for _, r := range srv.Requests() {
			if r.Code == "RequestLimitExceeded" {
				throttled++
			}
		}
	}
	bound := float64(n) / quota
	t := summarize(times)
	row("3", fmt.Sprintf("TCSS `for_each` of %d ids, server quota %d/s: `terraform plan` wall time", n, quota), t.format("s", 2),
		fmt.Sprintf("quota's lower bound %.0f s; an empty plan %s", bound, summarize(empty).format("s", 2)),
		fmt.Sprintf("%.3fx bound; %d throttled at the server", t.median/bound, throttled), "≤ 1.15x, zero throttling")
}

func (b *bench) endToEnd() {
	const n = 5000
	srv := startCloud(localcloud.Config{HSSEvents: n})
	defer func() { _ = srv.Close() }()
	srv.SetFaults(localcloud.Huawei, localcloud.Faults{Latency: 100 * time.Millisecond})
	config := providerBlock(srv, "") + `
data "cwpp_hss_app_whitelist_events" "all" {
  last_days = 30
}
output "count" {
  value = length(data.cwpp_hss_app_whitelist_events.all.events)
}
`
	var times []float64
	for range *runs {
		d := b.run(config, "apply", "-auto-approve", "-input=false")
		times = append(times, d.Seconds())
	}
	row("1b", "HSS 5,000 events end to end: `terraform apply`, 100 ms latency, default 10 req/s", summarize(times).format("s", 2),
		"vendor provider on this data (DESIGN.md): 15 min 3 s", fmt.Sprintf("%.4fx vendor", summarize(times).median/903), "< 15 s")
}

// planned is one measured `terraform plan` of a list read.
type planned struct {
	wall, readDataSource      time.Duration
	providerMiB, terraformMiB float64
}

// plan runs `terraform plan` with the provider binary under test (or the
// framework-only baseline), TRACE provider logs to a file for the
// ReadDataSource duration, and both processes' peak RSS watched.
func (b *bench) plan(mainTF string, baseline bool) planned {
	binary, rc := b.binary, b.rc
	if baseline {
		binary, rc = b.frameworkBinary, b.frameworkRC
	}
	logFile := filepath.Join(b.dir, "trace.log")
	_ = os.Remove(logFile)
	stop := make(chan struct{})
	peaks := make(chan [2]float64)
	go func() { peaks <- b.watchRSS(stop, binary, b.terraform) }()
	wall := b.runEnv(mainTF, []string{"TF_CLI_CONFIG_FILE=" + rc, "TF_LOG_PROVIDER=TRACE", "TF_LOG_PATH=" + logFile},
		"plan", "-input=false")
	close(stop)
	peak := <-peaks
	return planned{wall: wall, readDataSource: readDataSourceDuration(logFile), providerMiB: peak[0], terraformMiB: peak[1]}
}

var reqDurationMs = regexp.MustCompile(`tf_req_duration_ms=(\d+)`)

// readDataSourceDuration is the provider's own ReadDataSource time, as the
// protocol server logs it (TRACE tf_req_duration_ms).
func readDataSourceDuration(logFile string) time.Duration {
	data, err := os.ReadFile(logFile)
	if err != nil {
		log.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.Contains(line, "tf_rpc=ReadDataSource") || !strings.Contains(line, "Received downstream response") {
			continue
		}
		m := reqDurationMs.FindStringSubmatch(line)
		if m != nil {
			ms, _ := strconv.Atoi(m[1])
			return time.Duration(ms) * time.Millisecond
		}
	}
	log.Fatalf("no ReadDataSource duration in %s", logFile)
	return 0
}

// listsAtScale reads 5,000 and 50,000 events of each shape with `terraform
// plan` at 100 ms latency and 100 requests per second: the provider against
// the framework-only baseline at 5,000, and against itself at 5,000 for 10x.
func (b *bench) listsAtScale() {
	for _, shape := range []struct {
		name  string
		shape localcloud.Shape
	}{{"sparse", localcloud.ShapeSparse}, {"fully populated", localcloud.ShapeFull}} {
		small := b.scaleRun(5000, shape.shape, "", false)
		base := b.scaleRun(5000, shape.shape, "", true)
		row("6", fmt.Sprintf("HSS 5,000 %s events, `terraform plan`, 100 ms latency, 100 req/s: wall time", shape.name),
			small.wall.format("s", 2), "framework's generic path: "+base.wall.format("s", 2),
			fmt.Sprintf("%.2fx framework", small.wall.median/base.wall.median), "≤ 13 s")
		row("6", fmt.Sprintf("HSS 5,000 %s events: the provider's `ReadDataSource` (TRACE `tf_req_duration_ms`)", shape.name),
			small.read.format("s", 2), "framework's generic path: "+base.read.format("s", 2),
			fmt.Sprintf("%.3fx framework", small.read.median/base.read.median), "≤ 1.0 s")
		large := b.scaleRun(50000, shape.shape, "", false)
		row("7", fmt.Sprintf("HSS 50,000 %s events: the provider's `ReadDataSource`", shape.name), large.read.format("s", 2),
			"5,000 events: "+small.read.format("s", 2), fmt.Sprintf("%.1fx time for 10x events", large.read.median/small.read.median),
			"≤ 10 s, ≤ 11x")
		row("8", fmt.Sprintf("Peak RSS reading 50,000 %s events (`terraform plan`): provider", shape.name), large.provider.format("MiB", 0),
			"Terraform 1.5.7 itself: "+large.terraform.format("MiB", 0)+"; 5,000 events: provider "+small.provider.format("MiB", 0),
			fmt.Sprintf("%.1f KiB per event", large.provider.median*1024/50000), "provider ≤ 350 MB")
		if shape.shape == localcloud.ShapeFull {
			summary := b.scaleRun(50000, shape.shape, "max_results = 0", false)
			row("8", "Peak RSS reading 50,000 fully populated events with `max_results = 0` (summary only): provider",
				summary.provider.format("MiB", 0), "Terraform 1.5.7 itself: "+summary.terraform.format("MiB", 0)+
					"; `ReadDataSource` "+summary.read.format("s", 2), "", "recorded")
		}
	}
}

type scaleStats struct{ wall, read, provider, terraform stats }

// tcssList reads the TCSS event list: 2,000 events under the 20/s quota
// against the quota's bound, and 10,000 sparse events with the quota raised
// and no latency, where the read is nearly all the provider's own work.
func (b *bench) tcssList() {
	const n, quota = 2000, 20
	srv := startCloud(localcloud.Config{TCSSEvents: n - 3, TencentQuota: quota})
	srv.SetFaults(localcloud.Tencent, localcloud.Faults{Latency: 100 * time.Millisecond})
	config := providerBlock(srv, "") + `
data "cwpp_tcss_abnormal_processes" "all" {}
`
	var reads []float64
	throttled := 0
	for range *runs {
		srv.ResetRequests()
		reads = append(reads, b.plan(config, false).readDataSource.Seconds())
		for _, r := range srv.Requests() {
			if r.Code == "RequestLimitExceeded" {
				throttled++
			}
		}
	}
	_ = srv.Close()
	bound := float64(n/100) / quota
	r := summarize(reads)
	row("9", "TCSS list, 2,000 events (20 pages), 100 ms latency, server quota 20/s: the provider's `ReadDataSource`",
		r.format("s", 2), fmt.Sprintf("quota's bound: 20 pages / 20 per second = %.1f s", bound),
		fmt.Sprintf("%.2fx bound; %d throttled at the server", r.median/bound, throttled), "≤ 1.15x, zero throttling")

	const large = 10000
	srv = startCloud(localcloud.Config{TCSSEvents: large - 3, TCSSSparse: true, TencentQuota: -1})
	defer func() { _ = srv.Close() }()
	config = requiredProviders + srv.ProviderHCL("requests_per_second = 1000", "") + `
data "cwpp_tcss_abnormal_processes" "all" {}
`
	var fast, framework []float64
	for range *runs {
		fast = append(fast, b.plan(config, false).readDataSource.Seconds())
		framework = append(framework, b.plan(config, true).readDataSource.Seconds())
	}
	f, fw := summarize(fast), summarize(framework)
	row("10", "TCSS list, 10,000 sparse events, no latency, quota raised: the provider's `ReadDataSource` (network waiting ≈ 0: an upper bound of its own work)",
		f.format("s", 2), "framework's generic path: "+fw.format("s", 2), fmt.Sprintf("%.3fx framework", f.median/fw.median), "≤ 0.5 s")
}

func (b *bench) scaleRun(n int, shape localcloud.Shape, extra string, baseline bool) scaleStats {
	srv := startCloud(localcloud.Config{HSSEvents: n, HSSShape: shape})
	defer func() { _ = srv.Close() }()
	srv.SetFaults(localcloud.Huawei, localcloud.Faults{Latency: 100 * time.Millisecond})
	config := providerBlock(srv, "requests_per_second = 100") + `
data "cwpp_hss_app_whitelist_events" "all" {
  last_days = 30
  ` + extra + `
}
`
	var wall, read, provider, terraform []float64
	for range *runs {
		p := b.plan(config, baseline)
		wall, read = append(wall, p.wall.Seconds()), append(read, p.readDataSource.Seconds())
		provider, terraform = append(provider, p.providerMiB), append(terraform, p.terraformMiB)
	}
	log.Printf("bench: %d events (%v, baseline %v, %q): read %v", n, shape, baseline, extra, read)
	return scaleStats{summarize(wall), summarize(read), summarize(provider), summarize(terraform)}
}

// watchRSS polls the peak RSS (VmHWM) of the processes running binaries,
// until stop.
func (b *bench) watchRSS(stop chan struct{}, binaries ...string) [2]float64 {
	var peak [2]float64
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return peak
		case <-tick.C:
			for i, bin := range binaries[:2] {
				peak[i] = math.Max(peak[i], processHWM(bin))
			}
		}
	}
}

// processHWM is the largest VmHWM of the processes running binary, in MiB.
func processHWM(binary string) float64 {
	procs, _ := filepath.Glob("/proc/[0-9]*/exe")
	most := 0.0
	for _, exe := range procs {
		if target, err := os.Readlink(exe); err != nil || target != binary {
			continue
		}
		status, err := os.ReadFile(filepath.Join(filepath.Dir(exe), "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
				kb, _ := strconv.ParseFloat(f[1], 64)
				most = math.Max(most, kb/1024)
			}
		}
	}
	return most
}

func (b *bench) startup() {
	var times []float64
	for range *runs {
		d := b.run(requiredProviders, "providers", "schema", "-json")
		times = append(times, d.Seconds())
	}
	info, err := os.Stat(b.binary)
	if err != nil {
		log.Fatal(err)
	}
	row("5", "`terraform providers schema -json` (provider start-up and schema)", summarize(times).format("s", 2),
		"", fmt.Sprintf("binary %.1f MiB (-trimpath -s -w)", float64(info.Size())/(1<<20)), "recorded")
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// buildRevision builds the provider of a git revision, for a baseline: a
// detached worktree, built and removed.
func (b *bench) buildRevision(rev string) string {
	dir := filepath.Join(b.dir, "rev-"+rev)
	bin := filepath.Join(dir, "bin", "terraform-provider-cwpp")
	log.Printf("bench: building the provider at %s", rev)
	if out, err := exec.Command("git", "worktree", "add", "--detach", filepath.Join(dir, "src"), rev).CombinedOutput(); err != nil {
		log.Fatalf("git worktree add %s: %v\n%s", rev, err, out)
	}
	defer func() { _ = exec.Command("git", "worktree", "remove", "--force", filepath.Join(dir, "src")).Run() }()
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	build.Dir = filepath.Join(dir, "src")
	if out, err := build.CombinedOutput(); err != nil {
		log.Fatalf("go build at %s: %v\n%s", rev, err, out)
	}
	return bin
}

// concurrentPlans is K `terraform plan` runs of one configuration started
// together, as a CI matrix or Atlantis starts them, each its own provider
// process: the wall time until the last one ends and the read errors of all.
type concurrentPlans struct {
	wall      time.Duration
	failed    int // error diagnostics over every run
	requests  int
	throttled int
}

func (b *bench) plansAtOnce(mainTF, rc string, k int, stagger time.Duration, srv *localcloud.Server) concurrentPlans {
	srv.ResetRequests()
	type done struct {
		out []byte
		err error
	}
	results := make(chan done, k)
	start := time.Now()
	for i := range k {
		dir, err := os.MkdirTemp(b.dir, "plan")
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(mainTF), 0o600); err != nil {
			log.Fatal(err)
		}
		go func() {
			defer func() { _ = os.RemoveAll(dir) }()
			if k > 1 {
				time.Sleep(stagger * time.Duration(i) / time.Duration(k-1)) // run i starts i/(k-1) of stagger late
			}
			cmd := exec.Command(b.terraform, "plan", "-input=false", "-no-color")
			cmd.Dir, cmd.Env = dir, append(slices.Clone(b.env), "TF_CLI_CONFIG_FILE="+rc)
			out, err := cmd.CombinedOutput()
			results <- done{out, err}
		}()
	}
	var res concurrentPlans
	for range k {
		r := <-results
		res.failed += strings.Count(string(r.out), "Error: ")
		if r.err != nil && !strings.Contains(string(r.out), "Error: ") {
			log.Fatalf("terraform plan: %v\n%s", r.err, r.out)
		}
	}
	res.wall = time.Since(start)
	for _, r := range srv.Requests() {
		res.requests++
		if r.Code == "RequestLimitExceeded" || r.Code == "APIGW.0308" {
			res.throttled++
		}
	}
	return res
}

// planSetup is one side of a shared-quota row: a configuration and the CLI
// configuration that picks the provider build, and what the row calls it.
type planSetup struct{ name, mainTF, rc string }

// startedOver says how K plans were started, in a row's label.
func startedOver(stagger time.Duration) string {
	if stagger == 0 {
		return "at once"
	}
	return fmt.Sprintf("started over %v", stagger)
}

// sharedQuotaRow runs K plans *runs times with each setup, now and the
// baseline before, and prints one row: failed reads, the share of requests
// throttled and the wall time against the quota's bound.
func (b *bench) sharedQuotaRow(n, label string, nowSetup, beforeSetup planSetup, srv *localcloud.Server, k int, stagger time.Duration, bound float64, goal string) {
	type side struct {
		walls               []float64
		failed, req, thrott int
	}
	var now, before side
	for range *runs {
		for _, s := range []struct {
			side  *side
			setup planSetup
		}{{&now, nowSetup}, {&before, beforeSetup}} {
			r := b.plansAtOnce(s.setup.mainTF, s.setup.rc, k, stagger, srv)
			s.side.walls = append(s.side.walls, r.wall.Seconds())
			s.side.failed += r.failed
			s.side.req += r.requests
			s.side.thrott += r.throttled
		}
	}
	describe := func(s side) string {
		w := summarize(s.walls)
		return fmt.Sprintf("%s, %.2fx bound; %d failed reads; %.1f%% of %d requests throttled", w.format("s", 1), w.median/bound,
			s.failed, 100*float64(s.thrott)/float64(max(s.req, 1)), s.req)
	}
	log.Printf("bench: %s: now %v, before %v", label, now.walls, before.walls)
	row(n, label, describe(now), beforeSetup.name+": "+describe(before),
		fmt.Sprintf("%.2fx %s", summarize(now.walls).median/summarize(before.walls).median, strings.Fields(beforeSetup.name)[0]), goal)
}

// sharedQuota runs K plans at once against one account's quota, on each
// way a gateway counts it: K = 1, 2, 3 and 5 runs of 200 TCSS details under
// TCSS's 20/s started together, and 2, 3 and 5 started over 2 s (the
// simulation's hardest cells); then 3 runs of a 5,000 event HSS list under
// a quota of 10/s; each with the provider and with a baseline provider.
func (b *bench) sharedQuota() {
	baselineRC, err := devOverrides(b.dir, "baseline.tfrc", b.buildRevision(*baselineRev))
	if err != nil {
		log.Fatal(err)
	}
	before := "before (" + *baselineRev + ")"
	const details, tcssQuota = 200, 20
	for _, model := range quota.Models {
		srv := startCloud(localcloud.Config{TCSSEvents: details, TencentQuota: tcssQuota, TencentQuotaModel: model})
		config := providerBlock(srv, "") + tcssDetailReads(details)
		for _, run := range []struct {
			k       int
			stagger time.Duration
		}{{1, 0}, {2, 0}, {3, 0}, {5, 0}, {2, 2 * time.Second}, {3, 2 * time.Second}, {5, 2 * time.Second}} {
			goal := "0 failed, ≤ 10% throttled, ≤ 1.2x bound"
			if run.k == 1 {
				goal = "no slower than before"
			}
			b.sharedQuotaRow("11", fmt.Sprintf("%s: %d `terraform plan` runs %s, %d TCSS details each, quota %d/s: wall time (bound %d x %d / %d s)",
				model, run.k, startedOver(run.stagger), details, tcssQuota, run.k, details, tcssQuota), planSetup{"now", config, b.rc}, planSetup{before, config, baselineRC},
				srv, run.k, run.stagger, float64(run.k*details)/tcssQuota, goal)
		}
		_ = srv.Close()
	}

	// 5,000 HSS events of the last 30 days: 15 windows of 2 days, 30 requests.
	const events, requests, hssQuota, k = 5000, 30, 10, 3
	srv := startCloud(localcloud.Config{HSSEvents: events, HuaweiQuota: hssQuota})
	defer func() { _ = srv.Close() }()
	config := providerBlock(srv, "") + `
data "cwpp_hss_app_whitelist_events" "all" {
  last_days   = 30
  max_results = 0
}
`
	b.sharedQuotaRow("11", fmt.Sprintf("%d `terraform plan` runs at once, an HSS list of %d events (%d requests) each, quota %d/s: wall time (bound %d x %d / %d s)",
		k, events, requests, hssQuota, k, requests, hssQuota), planSetup{"now", config, b.rc}, planSetup{before, config, baselineRC},
		srv, k, 0, float64(k*requests)/hssQuota, "0 failed, ≤ 10% throttled")
}

// splitQuota runs shared-quota rows on the counter where the adaptive
// limiter falls furthest from the bound, the sliding window, with runs that
// know their number (a CI matrix of K jobs): each sets requests_per_second
// to the quota divided by K, rounded down, against the same runs left to
// the adaptive limiter (the default 20), same build, same run.
func (b *bench) splitQuota() {
	const details, tcssQuota = 200, 20
	srv := startCloud(localcloud.Config{TCSSEvents: details, TencentQuota: tcssQuota, TencentQuotaModel: quota.SlidingWindow})
	defer func() { _ = srv.Close() }()
	reads := tcssDetailReads(details)
	adaptive := planSetup{fmt.Sprintf("adaptive (requests_per_second %d, the default)", tcssQuota), providerBlock(srv, "") + reads, b.rc}
	for _, run := range []struct {
		k       int
		stagger time.Duration
	}{{3, 0}, {5, 0}, {3, 2 * time.Second}, {5, 2 * time.Second}} {
		share := tcssQuota / run.k
		split := planSetup{"split", requiredProviders + srv.ProviderHCL(fmt.Sprintf("requests_per_second = %d", share), "") + reads, b.rc}
		b.sharedQuotaRow("11s", fmt.Sprintf("%s: %d `terraform plan` runs %s, each `requests_per_second = %d` (%d / %d rounded down), %d TCSS details each, quota %d/s: wall time (bound %d x %d / %d s)",
			quota.SlidingWindow, run.k, startedOver(run.stagger), share, tcssQuota, run.k, details, tcssQuota, run.k, details, tcssQuota), split, adaptive,
			srv, run.k, run.stagger, float64(run.k*details)/tcssQuota, "0 failed, ≤ 1% throttled, ≤ 1.2x bound")
	}
}

// tcssRange reads the last 7 days of a TCSS list of 10,000 events, about 300
// of them in those days, against the whole list, at 100 ms latency under
// the 20/s quota: the ranged read stops paging past its start.
func (b *bench) tcssRange() {
	const n, quota, inRange = 10000, 20, 300
	span := 7 * 24 * time.Hour * n / inRange
	srv := startCloud(localcloud.Config{TCSSEvents: n, TencentQuota: quota, TCSSSpan: span})
	defer func() { _ = srv.Close() }()
	srv.SetFaults(localcloud.Tencent, localcloud.Faults{Latency: 100 * time.Millisecond})
	week := 0
	for i := 1; i <= n; i++ {
		if srv.Now().Sub(localcloud.TCSSFoundTimeOver(srv.Now(), span, i, n)) <= 7*24*time.Hour {
			week++
		}
	}
	read := func(body string) (seconds float64, requests int) {
		srv.ResetRequests()
		p := b.plan(providerBlock(srv, "")+"data \"cwpp_tcss_abnormal_processes\" \"all\" {\n"+body+"\n}\n", false)
		return p.readDataSource.Seconds(), srv.RequestCount(localcloud.Tencent)
	}
	var ranged, whole []float64
	var rangedReqs, wholeReqs int
	for range *runs {
		s, r := read("last_days = 7")
		ranged, rangedReqs = append(ranged, s), r
		s, r = read("")
		whole, wholeReqs = append(whole, s), r
	}
	rs, ws := summarize(ranged), summarize(whole)

	// The same list from a service that ignores By: the order check sees it
	// on the first page and the read falls back to every page.
	ignoring := startCloud(localcloud.Config{TCSSEvents: n, TencentQuota: quota, TCSSSpan: span,
		Readings: localcloud.Readings{TCSSBy: localcloud.TCSSByIgnored}})
	defer func() { _ = ignoring.Close() }()
	ignoring.SetFaults(localcloud.Tencent, localcloud.Faults{Latency: 100 * time.Millisecond})
	var ignored []float64
	var ignoredReqs int
	for range *runs {
		ignoring.ResetRequests()
		p := b.plan(providerBlock(ignoring, "")+"data \"cwpp_tcss_abnormal_processes\" \"all\" {\n  last_days = 7\n}\n", false)
		ignored, ignoredReqs = append(ignored, p.readDataSource.Seconds()), ignoring.RequestCount(localcloud.Tencent)
	}
	is := summarize(ignored)
	row("13b", fmt.Sprintf("TCSS list, `last_days = 7` of %d events (%d in the last 7 days), 100 ms latency, quota %d/s, from a service that ignores `By`: the provider's `ReadDataSource`",
		n, week, quota), is.format("s", 2)+fmt.Sprintf("; %d list requests (the ranged attempt, then every page); a warning says so", ignoredReqs),
		"`By` honoured, same run: "+rs.format("s", 2)+fmt.Sprintf("; %d list requests", rangedReqs),
		fmt.Sprintf("%.1fx honoured; %.2fx the whole list", is.median/rs.median, is.median/ws.median),
		"same events; honoured costs no request more than before")

	row("13", fmt.Sprintf("TCSS list, `last_days = 7` of %d events (%d in the last 7 days), 100 ms latency, quota %d/s: the provider's `ReadDataSource`",
		n, week, quota), rs.format("s", 2)+fmt.Sprintf("; %d list requests", rangedReqs),
		"the whole list: "+ws.format("s", 2)+fmt.Sprintf("; %d list requests", wholeReqs),
		fmt.Sprintf("%.3fx the whole list", rs.median/ws.median),
		fmt.Sprintf("≤ %d requests (ceil(%d/100) + 2), ≤ 0.1x", (week+99)/100+2, week))
}

// processEvents reads 5,000 events of each cloud through cwpp_process_events
// against each cloud's own list over the same 30 days, at 100 ms latency
// and the default rates: the two clouds are read at once.
func (b *bench) processEvents() {
	const n = 5000
	srv := startCloud(localcloud.Config{TCSSEvents: n, HSSEvents: n})
	defer func() { _ = srv.Close() }()
	for _, c := range []localcloud.Cloud{localcloud.Tencent, localcloud.Huawei} {
		srv.SetFaults(c, localcloud.Faults{Latency: 100 * time.Millisecond})
	}
	read := func(dataSource string) float64 {
		return b.plan(providerBlock(srv, "")+"data \""+dataSource+"\" \"all\" {\n  last_days = 30\n}\n", false).readDataSource.Seconds()
	}
	var both, tcss, hss, ratios []float64
	for range *runs {
		p, t, h := read("cwpp_process_events"), read("cwpp_tcss_abnormal_processes"), read("cwpp_hss_app_whitelist_events")
		both, tcss, hss = append(both, p), append(tcss, t), append(hss, h)
		ratios = append(ratios, p/math.Max(t, h))
	}
	r := summarize(ratios)
	row("14", fmt.Sprintf("`cwpp_process_events`, %d events of each cloud over 30 days, 100 ms latency, default rates: the provider's `ReadDataSource`", n),
		summarize(both).format("s", 2), "TCSS list alone: "+summarize(tcss).format("s", 2)+"; HSS list alone: "+summarize(hss).format("s", 2),
		fmt.Sprintf("%.2fx the slower [%.2f, %.2f]", r.median, r.min, r.max), "≤ 1.2x the slower")
}

// ocsfFindings plans the same 20,000 events of both clouds as
// cwpp_process_events (a list of objects) and as cwpp_ocsf_findings (one
// string): Terraform's cost of the list is per attribute. Then 100,000
// sparse events through cwpp_ocsf_findings, against the state's size guard.
func (b *bench) ocsfFindings() {
	b.ocsfAgainstProcessEvents("mixed shapes: TCSS fully populated, HSS 3 in 7 sparse", localcloud.Config{})
	b.ocsfAgainstProcessEvents("sparse", localcloud.Config{TCSSSparse: true, HSSShape: localcloud.ShapeSparse})

	const large = 50000 // of each cloud
	// TCSS events over 29 days, so that every one is in last_days = 30 (HSS's are within 30 days less an hour).
	srv := startCloud(localcloud.Config{TCSSEvents: large, TCSSSparse: true, TCSSSpan: 29 * 24 * time.Hour, HSSEvents: large,
		HSSShape: localcloud.ShapeSparse, TencentQuota: -1, HuaweiQuota: -1})
	defer func() { _ = srv.Close() }()
	mainTF := requiredProviders + srv.ProviderHCL("requests_per_second = 1000", "requests_per_second = 1000") + `
data "cwpp_ocsf_findings" "all" {
  last_days = 30
  format    = "ndjson"
}
output "findings_bytes" {
  value = length(data.cwpp_ocsf_findings.all.findings)
}
output "matched" {
  value = data.cwpp_ocsf_findings.all.matched_count
}
`
	var lwall, lread, lprovider, lterraform, lbytes []float64
	matched := ""
	for range *runs {
		p := b.plan(mainTF, false)
		lwall, lread = append(lwall, p.wall.Seconds()), append(lread, p.readDataSource.Seconds())
		lprovider, lterraform = append(lprovider, p.providerMiB), append(lterraform, p.terraformMiB)
		size, count := planOutput(b.lastOutput, "findings_bytes"), planOutput(b.lastOutput, "matched")
		bytes, _ := strconv.ParseFloat(size, 64)
		lbytes, matched = append(lbytes, bytes/(1<<20)), count
		if want := strconv.Itoa(2 * large); count != want {
			log.Fatalf("cwpp_ocsf_findings matched %s events, want %s", count, want)
		}
	}
	bytesMiB := summarize(lbytes)
	row("17", fmt.Sprintf("%d sparse events (%d of each cloud) through `cwpp_ocsf_findings` (ndjson), `terraform plan`: wall time; "+
		"matched_count %s", 2*large, large, matched),
		summarize(lwall).format("s", 2), "`ReadDataSource` "+summarize(lread).format("s", 2)+"; peak RSS provider "+
			summarize(lprovider).format("MiB", 0)+", Terraform "+summarize(lterraform).format("MiB", 0),
		fmt.Sprintf("findings %.1f MiB, %.2f of the 254 MiB guard", bytesMiB.median, bytesMiB.median/254), "within the size guard")

	path := filepath.Join(b.dir, "findings.ndjson")
	toFile := strings.Replace(mainTF, "format    = \"ndjson\"", fmt.Sprintf("format    = \"ndjson\"\n  output_path = %q", path), 1)
	toFile = toFile[:strings.Index(toFile, "output \"findings_bytes\"")]
	var fwall, fprovider, fterraform []float64
	for range *runs {
		p := b.plan(toFile, false)
		fwall, fprovider, fterraform = append(fwall, p.wall.Seconds()), append(fprovider, p.providerMiB), append(fterraform, p.terraformMiB)
		if info, err := os.Stat(path); err != nil || float64(info.Size()) < bytesMiB.min*(1<<20)*0.99 {
			log.Fatalf("the findings file: %v, %v", info, err)
		}
	}
	row("17", "The same with `output_path` (the findings in a file, not in state): wall time", summarize(fwall).format("s", 2),
		"peak RSS provider "+summarize(fprovider).format("MiB", 0)+", Terraform "+summarize(fterraform).format("MiB", 0),
		fmt.Sprintf("%.2fx the string's wall time; Terraform %.2fx its memory", summarize(fwall).median/summarize(lwall).median,
			summarize(fterraform).median/summarize(lterraform).median), "recorded")
}

// ocsfAgainstProcessEvents is row 16 on events of one shape.
func (b *bench) ocsfAgainstProcessEvents(shape string, cfg localcloud.Config) {
	const n = 10000 // of each cloud
	cfg.TCSSEvents, cfg.HSSEvents, cfg.TencentQuota, cfg.HuaweiQuota = n, n, -1, -1
	srv := startCloud(cfg)
	defer func() { _ = srv.Close() }()
	rates := requiredProviders + srv.ProviderHCL("requests_per_second = 1000", "requests_per_second = 1000")
	config := func(dataSource, extra string) string {
		return rates + "data \"" + dataSource + "\" \"all\" {\n  last_days = 30\n" + extra + "}\n"
	}
	path := filepath.Join(b.dir, "findings.json")
	findings, toFile, events := config("cwpp_ocsf_findings", ""), config("cwpp_ocsf_findings", fmt.Sprintf("  output_path = %q\n", path)),
		config("cwpp_process_events", "")
	b.plan(findings, false) // warm-up: the local cloud's first pages, the page cache
	var inState, inFile, process struct{ wall, memory, read []float64 }
	add := func(to *struct{ wall, memory, read []float64 }, p planned) {
		to.wall, to.memory, to.read = append(to.wall, p.wall.Seconds()), append(to.memory, p.terraformMiB), append(to.read, p.readDataSource.Seconds())
	}
	for range *runs {
		f, o, p := b.plan(findings, false), b.plan(toFile, false), b.plan(events, false)
		add(&inState, f)
		add(&inFile, o)
		add(&process, p)
		log.Printf("bench: ocsf %v %.0f MiB, to a file %v %.0f MiB, process events %v %.0f MiB", f.wall, f.terraformMiB, o.wall, o.terraformMiB,
			p.wall, p.terraformMiB)
	}
	ratio := func(a, b []float64) string {
		r := make([]float64, len(a))
		for i := range a {
			r[i] = a[i] / b[i]
		}
		s := summarize(r)
		return fmt.Sprintf("%.2fx [%.2f, %.2f]", s.median, s.min, s.max)
	}
	base := "`cwpp_process_events`, same events: "
	row("16", fmt.Sprintf("%d events (%d of each cloud, %s), `terraform plan`, no latency: wall time, `cwpp_ocsf_findings`", 2*n, n, shape),
		summarize(inState.wall).format("s", 2)+"; its `ReadDataSource` "+summarize(inState.read).format("s", 2),
		base+summarize(process.wall).format("s", 2)+"; its `ReadDataSource` "+summarize(process.read).format("s", 2),
		ratio(inState.wall, process.wall), "≤ 0.5x")
	row("16", "Same plans: Terraform's peak RSS (the CLI process, VmHWM), `cwpp_ocsf_findings`", summarize(inState.memory).format("MiB", 0),
		base+summarize(process.memory).format("MiB", 0), ratio(inState.memory, process.memory), "≤ 0.35x")
	row("16", "The same with `output_path` (the findings in a file, not in state): wall time; Terraform's peak RSS",
		summarize(inFile.wall).format("s", 2)+"; "+summarize(inFile.memory).format("MiB", 0),
		base+summarize(process.wall).format("s", 2)+"; "+summarize(process.memory).format("MiB", 0),
		ratio(inFile.wall, process.wall)+"; "+ratio(inFile.memory, process.memory), "≤ 0.5x; ≤ 0.35x")
}

// planOutput reads an output's planned value from `terraform plan`'s text.
func planOutput(plan, name string) string {
	plan = regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(plan, "") // the CLI's colours
	m := regexp.MustCompile(`\+ ` + regexp.QuoteMeta(name) + `\s+= (\S+)`).FindStringSubmatch(plan)
	if m == nil {
		log.Fatalf("no output %s in the plan:\n%s", name, plan)
	}
	return m[1]
}
