package provider

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// readingCase is a local cloud that reads the APIs' open points one way,
// and the warnings each data source of readingsConfig must give there.
type readingCase struct {
	alias    string
	readings localcloud.Readings
	projects int                 // HSS enterprise projects the events are spread over
	warnings map[string][]string // data source name -> warning summaries
}

const (
	warnBy        = "TCSS did not honour By = FoundTime"
	warnStatus    = "TCSS did not apply the filter Status"
	warnPrivateIP = "HSS did not apply the filter private_ip"
	warnProjects  = "HSS read the default enterprise project only"
	// The local cloud's two events without a FoundTime: a read of every
	// page meets them and says it left them out of the range; one that
	// stops at the range's start (By honoured) does not reach them.
	warnUntimed = "2 TCSS events without a readable FoundTime were left out"
)

var readingCases = []readingCase{
	{alias: "plain"},
	{alias: "by_ignored", readings: localcloud.Readings{TCSSBy: localcloud.TCSSByIgnored},
		warnings: map[string][]string{"ranged": {warnBy, warnUntimed}, "undealt": {warnBy}, "all": {warnBy, warnUntimed}}},
	{alias: "by_refused", readings: localcloud.Readings{TCSSBy: localcloud.TCSSByRefused},
		warnings: map[string][]string{"ranged": {warnBy, warnUntimed}, "undealt": {warnBy}, "all": {warnBy, warnUntimed}}},
	{alias: "status_ignored", readings: localcloud.Readings{TCSSStatusIgnored: true},
		warnings: map[string][]string{"undealt": {warnStatus}, "whole": {warnStatus}}},
	{alias: "range_required", readings: localcloud.Readings{HSSRangeRequired: true}},
	{alias: "private_ip_ignored", readings: localcloud.Readings{HSSPrivateIPIgnored: true},
		warnings: map[string][]string{"private": {warnPrivateIP}}},
	{alias: "host_in_resource", readings: localcloud.Readings{HSSHostFieldsInResourceInfo: true}},
	// Issue 30: every enterprise project by default, totals that understate
	// the list, end_time read as exclusive.
	{alias: "projects", projects: 3},
	{alias: "projects_refused", readings: localcloud.Readings{HSSAllProjectsRefused: true},
		warnings: map[string][]string{"filtered": {warnProjects}, "private": {warnProjects}, "range": {warnProjects}, "all": {warnProjects}, "reference": {warnProjects}, "device": {warnProjects}}},
	{alias: "totals_capped", readings: localcloud.Readings{TCSSTotalCap: 150, HSSTotalCap: 150}}, // HSS windows hold about 213 events,
	{alias: "end_exclusive", readings: localcloud.Readings{HSSEndTimeExclusive: true}},
}

// readingsConfig reads the same data sources through one provider alias
// per local cloud, and outputs what each returned.
func readingsConfig(servers map[string]*localcloud.Server, rangeBegin, rangeEnd string) string {
	var b strings.Builder
	b.WriteString(requiredProviders)
	for _, c := range readingCases {
		a := c.alias
		fmt.Fprint(&b, strings.Replace(servers[a].ProviderHCL(tcssTestLimits, "requests_per_second = 200"),
			`provider "cwpp" {`, `provider "cwpp" {`+"\n  alias = \""+a+"\"", 1))
		fmt.Fprintf(&b, `
data "cwpp_tcss_abnormal_processes" "ranged_%[1]s" {
  provider  = cwpp.%[1]s
  last_days = 7
}
data "cwpp_tcss_abnormal_processes" "undealt_%[1]s" {
  provider  = cwpp.%[1]s
  last_days = 7
  status    = "EVENT_UNDEAL"
}
data "cwpp_tcss_abnormal_processes" "whole_%[1]s" {
  provider = cwpp.%[1]s
  status   = "EVENT_UNDEAL"
}
data "cwpp_hss_app_whitelist_events" "filtered_%[1]s" {
  provider      = cwpp.%[1]s
  last_days     = 7
  host_name     = "web-1"
  private_ip    = %[2]q
  handle_status = "unhandled"
}
data "cwpp_hss_app_whitelist_events" "private_%[1]s" {
  provider   = cwpp.%[1]s
  last_days  = 7
  private_ip = %[3]q
}
data "cwpp_hss_app_whitelist_events" "range_%[1]s" {
  provider   = cwpp.%[1]s
  begin_time = %[4]q
  end_time   = %[5]q
}
data "cwpp_process_events" "all_%[1]s" {
  provider  = cwpp.%[1]s
  last_days = 2
}
data "cwpp_hss_app_whitelist_events" "reference_%[1]s" {
  provider   = cwpp.%[1]s
  begin_time = "2024-11-11T00:00:00Z"
  end_time   = "2024-11-13T00:00:00Z"
  host_name  = "ecs-hce"
}
data "cwpp_process_events" "device_%[1]s" {
  provider   = cwpp.%[1]s
  clouds     = ["huaweicloud"]
  begin_time = "2024-11-11T00:00:00Z"
  end_time   = "2024-11-13T00:00:00Z"
}
output "%[1]s" {
  value = {
    ranged   = sort(data.cwpp_tcss_abnormal_processes.ranged_%[1]s.events[*].id)
    undealt  = sort(data.cwpp_tcss_abnormal_processes.undealt_%[1]s.events[*].id)
    whole    = sort(data.cwpp_tcss_abnormal_processes.whole_%[1]s.events[*].id)
    counts   = [data.cwpp_tcss_abnormal_processes.ranged_%[1]s.matched_count, data.cwpp_tcss_abnormal_processes.undealt_%[1]s.matched_count, data.cwpp_tcss_abnormal_processes.whole_%[1]s.matched_count]
    filtered = sort(data.cwpp_hss_app_whitelist_events.filtered_%[1]s.events[*].event_id)
    private  = sort(data.cwpp_hss_app_whitelist_events.private_%[1]s.events[*].event_id)
    range    = sort(data.cwpp_hss_app_whitelist_events.range_%[1]s.events[*].event_id)
    by_host  = [data.cwpp_hss_app_whitelist_events.filtered_%[1]s.summary.by_host_name, data.cwpp_hss_app_whitelist_events.private_%[1]s.summary.by_host_name]
    all      = sort([for e in data.cwpp_process_events.all_%[1]s.events : "${e.cloud}/${e.event_id}"])
    hosts    = data.cwpp_process_events.all_%[1]s.summary.by_cloud
    reference_hosts  = data.cwpp_hss_app_whitelist_events.reference_%[1]s.summary.by_host_name
    reference_device = [for e in data.cwpp_process_events.device_%[1]s.events : e.device]
  }
}
`, a, localcloud.HSSGeneratedPrivateIP(0), localcloud.HSSGeneratedPrivateIP(2), rangeBegin, rangeEnd)
	}
	return b.String()
}

// TestAccEveryReading reads the same data sources from a local cloud per
// reading of the APIs' open points, in one plan: each returns exactly the
// events of the plain reading, with a warning where the service did not do
// as asked, and none where it did. Tried on every CLI of make test.
func TestAccEveryReading(t *testing.T) {
	providerHost(t) // skips without a CLI
	servers := map[string]*localcloud.Server{}
	for _, c := range readingCases {
		servers[c.alias] = localcloud.StartForTest(t, localcloud.Config{
			TCSSEvents: 1000, HSSEvents: 3200, TencentQuota: -1, Readings: c.readings, HSSEnterpriseProjects: c.projects,
		})
	}
	// An HSS range of 3 windows, fixed so that every server is read alike.
	now := time.Now().UTC().Truncate(time.Second)
	mainTF := readingsConfig(servers, now.Add(-7*24*time.Hour).Format(time.RFC3339), now.Add(-24*time.Hour).Format(time.RFC3339))
	dir, env := cliWorkdir(t, mainTF)
	warnings, outputs := planJSON(t, dir, env, mainTF)

	// Generated HSS ids end in their occur_time, which each server counts
	// from its own start: compare them without it.
	for _, o := range outputs {
		for k, v := range o {
			o[k] = withoutOccurTime(v)
		}
	}
	plain := outputs["plain"]
	for _, key := range []string{"ranged", "undealt", "whole", "filtered", "private", "range", "all"} {
		if n := len(plain[key].([]any)); n == 0 {
			t.Fatalf("plain reading: %s is empty: the comparison would prove nothing", key)
		}
	}
	if n := len(plain["ranged"].([]any)); n <= 2*100 {
		t.Errorf("plain reading: %d events in 7 days, want more than two pages", n)
	}
	wantDevice := []any{map[string]any{"hostname": "ecs-hce", "ip": "192.168.0.178", "uid": "4517fc**-be4f-4cbe-9467-******"}}
	for _, c := range readingCases {
		got := outputs[c.alias]
		// by_host under host_in_resource: the hosts read from resource_info
		// count as the top-level ones did.
		for key, want := range plain {
			if c.readings.TCSSStatusIgnored && (key == "whole" || key == "counts") {
				// The two events without a Status cannot be re-checked: a
				// service that ignores the filter returns them, and they are
				// kept (the check drops only what no reading could match).
				want = statusless(t, key, want)
			}
			if !reflect.DeepEqual(got[key], want) {
				t.Errorf("%s: %s differs from the plain reading: %s", c.alias, key, difference(got[key], want))
			}
		}
		if !reflect.DeepEqual(got["reference_device"], wantDevice) {
			t.Errorf("%s: the reference event's device is %v, want %v", c.alias, got["reference_device"], wantDevice)
		}
		if want := map[string]any{"ecs-hce": float64(1)}; !reflect.DeepEqual(got["reference_hosts"], want) {
			t.Errorf("%s: by_host_name of the reference event is %v, want %v", c.alias, got["reference_hosts"], want)
		}
		for _, name := range []string{"ranged", "undealt", "whole", "filtered", "private", "range", "all", "reference", "device"} {
			addr := name + "_" + c.alias
			if want := c.warnings[name]; !slices.Equal(warnings[addr], want) {
				t.Errorf("%s: warnings %q, want %q", addr, warnings[addr], want)
			}
		}
	}
}

// statusless adds to the plain reading's whole list the local cloud's two
// events without a Status.
func statusless(t *testing.T, key string, plain any) any {
	t.Helper()
	switch key {
	case "whole":
		ids := append(slices.Clone(plain.([]any)), localcloud.TCSSBadTreeEventID, localcloud.TCSSSparseEventID)
		slices.SortFunc(ids, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
		return ids
	case "counts":
		counts := slices.Clone(plain.([]any))
		counts[2] = counts[2].(float64) + 2
		return counts
	}
	return plain
}

var occurTimeSuffix = regexp.MustCompile(`^(hss-\d+)-\d{13}$|^(huaweicloud/hss-\d+)-\d{13}$`)

func withoutOccurTime(v any) any {
	switch v := v.(type) {
	case string:
		return occurTimeSuffix.ReplaceAllString(v, "$1$2")
	case []any:
		for i := range v {
			v[i] = withoutOccurTime(v[i])
		}
	}
	return v
}

// difference says briefly how two output values differ.
func difference(got, want any) string {
	g, gok := got.([]any)
	w, wok := want.([]any)
	if !gok || !wok {
		return fmt.Sprintf("got %v, want %v", got, want)
	}
	contains := func(list []any, x any) bool {
		return slices.ContainsFunc(list, func(y any) bool { return reflect.DeepEqual(x, y) })
	}
	var extra, missing []any
	for _, x := range g {
		if !contains(w, x) {
			extra = append(extra, x)
		}
	}
	for _, x := range w {
		if !contains(g, x) {
			missing = append(missing, x)
		}
	}
	return fmt.Sprintf("%d items, want %d; extra %.10v, missing %.10v", len(g), len(w), extra, missing)
}

var dataHeader = regexp.MustCompile(`^data "[a-z_]+" "([a-z_]+)"`)

// planJSON runs `plan -json -out`, and returns the warnings of each data
// source (by name, found from the line its diagnostic points at) and the
// planned outputs.
func planJSON(t *testing.T, dir string, env []string, mainTF string) (map[string][]string, map[string]map[string]any) {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	plan := exec.Command(cli, "plan", "-json", "-input=false", "-out=tfplan")
	plan.Dir, plan.Env = dir, env
	out, err := plan.Output()
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	lines := strings.Split(mainTF, "\n")
	blockAt := func(line int) string {
		for i := min(line, len(lines)) - 1; i >= 0; i-- {
			if m := dataHeader.FindStringSubmatch(lines[i]); m != nil {
				return m[1]
			}
		}
		return "?"
	}
	warnings := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity, Summary string
				Range             *struct {
					Start struct{ Line int } `json:"start"`
				} `json:"range"`
			} `json:"diagnostic"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) != nil || msg.Type != "diagnostic" || msg.Diagnostic.Severity != "warning" {
			continue
		}
		name := "?"
		if msg.Diagnostic.Range != nil {
			name = blockAt(msg.Diagnostic.Range.Start.Line)
		}
		warnings[name] = append(warnings[name], msg.Diagnostic.Summary)
	}
	show := exec.Command(cli, "show", "-json", "tfplan")
	show.Dir, show.Env = dir, env
	doc, err := show.Output()
	if err != nil {
		t.Fatalf("show: %v", err)
	}
	var planned struct {
		PlannedValues struct {
			Outputs map[string]struct {
				Value map[string]any `json:"value"`
			} `json:"outputs"`
		} `json:"planned_values"`
	}
	if err := json.Unmarshal(doc, &planned); err != nil {
		t.Fatal(err)
	}
	outputs := map[string]map[string]any{}
	for name, o := range planned.PlannedValues.Outputs {
		outputs[name] = o.Value
	}
	return warnings, outputs
}
