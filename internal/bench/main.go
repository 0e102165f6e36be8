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
)

var (
	runs      = flag.Int("runs", 3, "runs of each scenario; figures are medians with min and max")
	terraform = flag.String("terraform", ".tools/terraform", "the Terraform CLI to drive")
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
	b.paging()
	b.forEachUnderQuota()
	b.endToEnd()
	b.memory()
	b.startup()
}

type bench struct {
	terraform string
	dir       string // temp dir: provider binary, CLI config
	binary    string
	env       []string
}

func (b *bench) setup() error {
	dir, err := os.MkdirTemp("", "cwpp-bench")
	if err != nil {
		return err
	}
	b.dir = dir
	b.binary = filepath.Join(dir, "bin", "terraform-provider-cwpp")
	log.Printf("bench: building the provider")
	if out, err := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", b.binary, ".").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(rc, []byte(`provider_installation {
  dev_overrides {
    "registry.terraform.io/cwpp-terraform/cwpp" = "`+filepath.Dir(b.binary)+`"
  }
  direct {}
}
`), 0o600); err != nil {
		return err
	}
	b.env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	return nil
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
		{"5000_events_last_days", "HSS paging, 5,000 events (25 pages), 100 ms latency"},
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
		row(strconv.Itoa(i+1), scenario.label+" (Go benchmark, 8 workers, 100 req/s)", c.format("s", 3),
			"sequential paging: "+s.format("s", 3)+fmt.Sprintf("; lower bound %.2f s", conc["bound-s"][0]),
			fmt.Sprintf("%.2fx sequential [%.2f, %.2f]; %.2fx bound", summarize(ratios).median, summarize(ratios).min,
				summarize(ratios).max, summarize(bounds).median),
			"≤ 0.3x sequential, ≤ 1.5x bound")
	}
	conv := goBench("./internal/provider/", "BenchmarkHSSEventsToState", "-benchtime", "2x", "-benchmem")
	small, large := conv["BenchmarkHSSEventsToState/5000_events"], conv["BenchmarkHSSEventsToState/50000_events"]
	growth := summarize(large["ns/op"]).median / summarize(small["ns/op"]).median
	row("4b", "Conversion to state, 5,000 events (Go benchmark)", summarize(seconds(small["ns/op"])).format("s", 3),
		"50,000 events: "+summarize(seconds(large["ns/op"])).format("s", 2),
		fmt.Sprintf("%.1fx time for 10x events; %.0f allocs, %.0f KiB per event", growth,
			summarize(small["allocs/op"]).median/5000, summarize(small["B/op"]).median/5000/1024),
		"linear (≈10x); provider share < 3 s")
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
	dir, err := os.MkdirTemp(b.dir, "run")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(mainTF), 0o600); err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command(b.terraform, args...)
	cmd.Dir, cmd.Env = dir, b.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		log.Fatalf("terraform %v: %v\n%s", args, err, out.String())
	}
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
	config := providerBlock(srv, "") + fmt.Sprintf(`
data "cwpp_tcss_abnormal_process" "all" {
  for_each = toset([for i in range(1, %d) : format("evt-%%05d", i)])
  event_id = each.value
}
`, n+1)
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

func (b *bench) memory() {
	for _, n := range []int{5000, 50000} {
		b.memoryAt(n)
	}
}

func (b *bench) memoryAt(n int) {
	srv := startCloud(localcloud.Config{HSSEvents: n})
	defer func() { _ = srv.Close() }()
	config := providerBlock(srv, "requests_per_second = 100") + `
data "cwpp_hss_app_whitelist_events" "all" {
  last_days = 30
}
`
	var peaks []float64
	for range *runs {
		stop := make(chan struct{})
		peak := make(chan float64)
		go func() { peak <- b.watchRSS(stop) }()
		b.run(config, "plan", "-input=false")
		close(stop)
		peaks = append(peaks, <-peak)
	}
	row("4", fmt.Sprintf("Peak RSS of the provider process reading %d,%03d events (`terraform plan`)", n/1000, n%1000), summarize(peaks).format("MiB", 0),
		"", fmt.Sprintf("%.0f KiB per event", summarize(peaks).median*1024/float64(n)), "< 250 MB at 50,000")
}

// watchRSS polls the provider process's peak RSS (VmHWM) until stop.
func (b *bench) watchRSS(stop chan struct{}) float64 {
	peak := 0.0
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return peak
		case <-tick.C:
			peak = math.Max(peak, b.providerHWM())
		}
	}
}

func (b *bench) providerHWM() float64 {
	procs, _ := filepath.Glob("/proc/[0-9]*/exe")
	for _, exe := range procs {
		if target, err := os.Readlink(exe); err != nil || target != b.binary {
			continue
		}
		status, err := os.ReadFile(filepath.Join(filepath.Dir(exe), "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
				kb, _ := strconv.ParseFloat(f[1], 64)
				return kb / 1024
			}
		}
	}
	return 0
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
