package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// TestAccMessages checks the text of the errors a new user meets, each
// naming the argument and the rule, with no request sent for a bad argument.
func TestAccMessages(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{})
	hss := func(body string) string {
		return providerConfig(srv, "", "") + "data \"cwpp_hss_app_whitelist_events\" \"test\" {\n" + body + "\n}\n"
	}
	cases := []planErrorCase{
		{"begin_time without T and zone", hss(`
  begin_time = "2026-11-30 00:00:00"
  end_time   = "2026-11-30T10:00:00Z"`),
			wrapped(`(?s)Invalid begin_time.*begin_time must be an RFC 3339 time such as 2026-11-30T00:00:00Z; got "2026-11-30 00:00:00": put a "T" between the date and the time and add the zone, such as "2026-11-30T00:00:00Z" or "2026-11-30T00:00:00\+08:00"`)},
		{"last_days not whole", hss(`last_days = 1.5`),
			wrapped(`(?s)Invalid last_days.*last_days must be a whole number of days from 1 to 30, such as 7; got 1.5\.`)},
		{"last_days too long", hss(`last_days = 365`),
			wrapped(`(?s)Invalid last_days.*last_days must be from 1 to 30 days \(the API's limit\); got 365\. For a longer range, set begin_time and end_time instead: they take a range of any length`)},
	}
	expectPlanErrors(t, srv, cases)
}

// TestAccMessagesOneDiagnostic runs `terraform validate -json`, where every
// diagnostic shows: a bad argument gives exactly one, never a false companion
// ("must be configured together") or the framework's Go format strings.
func TestAccMessagesOneDiagnostic(t *testing.T) {
	for _, tc := range []struct{ body, summary string }{
		{"begin_time = \"2026-11-30 00:00:00\"\n  end_time = \"2026-11-30T10:00:00Z\"", "Invalid begin_time"},
		{"last_days = 1.5", "Invalid last_days"},
		{"last_days = 0", "Invalid last_days"},
		{"last_days = 3\n  begin_time = \"2026-11-30T00:00:00Z\"\n  end_time = \"2026-11-30T10:00:00Z\"", "Two time ranges"},
		{"last_days = 3\n  max_results = 1e30", "Invalid max_results"},
	} {
		dir, env := cliWorkdir(t, requiredProviders+"data \"cwpp_hss_app_whitelist_events\" \"test\" {\n  "+tc.body+"\n}\n")
		out, _ := run(t, dir, env, os.Getenv("TF_ACC_TERRAFORM_PATH"), "validate", "-json")
		var result struct {
			Diagnostics []struct{ Severity, Summary, Detail string }
		}
		if err := json.Unmarshal([]byte(out), &result); err != nil {
			t.Fatalf("validate -json: %v\n%s", err, out)
		}
		var errs []string
		for _, d := range result.Diagnostics {
			if d.Severity == "error" {
				errs = append(errs, d.Summary+": "+d.Detail)
			}
		}
		if len(errs) != 1 || !strings.HasPrefix(errs[0], tc.summary+": ") || strings.Contains(errs[0], "%!") {
			t.Errorf("%s: want one error, %q, got %q", tc.body, tc.summary, errs)
		}
	}
}

// TestAccMessagesEnvironmentOnly: keys exported, the project id not, no
// provider block. The HSS data source says what is missing, at its own line;
// the provider's configuration does not fail, so a TCSS read is unaffected.
func TestAccMessagesEnvironmentOnly(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{})
	clearProviderEnv(t)
	t.Setenv(envHuaweiAccessKey, localcloud.HuaweiAccessKey)
	t.Setenv(envHuaweiSecretKey, localcloud.HuaweiSecretKey)
	t.Setenv(envTencentSecretID, localcloud.TencentSecretID)
	t.Setenv(envTencentSecretKey, localcloud.TencentSecretKey)
	t.Setenv(envTencentEndpoint, srv.URL())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `data "cwpp_hss_app_whitelist_events" "test" { last_days = 1 }`,
				ExpectError: wrapped(`(?s)Huawei Cloud is not fully configured.*Huawei Cloud is configured from the environment alone ` +
					`\(the provider configuration has no huaweicloud block\): HW_ACCESS_KEY and HW_SECRET_KEY are set, but HW_PROJECT_ID ` +
					`and HW_REGION_NAME \(or HW_HSS_ENDPOINT\) are not\. Export HW_PROJECT_ID and HW_REGION_NAME \(or HW_HSS_ENDPOINT\), ` +
					`or configure a huaweicloud block in the provider\.`),
			},
			{Config: referenceEventConfig, ConfigStateChecks: []statecheck.StateCheck{referenceEventRead}},
		},
	})
}

// TestAccMessagesNetwork: an endpoint that refuses connections or does not
// resolve names the cloud, the action, the host and port and the cause.
func TestAccMessagesNetwork(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `provider "cwpp" {
  tencentcloud {
    secret_id   = "AKIDx"
    secret_key  = "k"
    endpoint    = "http://127.0.0.1:1"
    max_retries = 0
  }
}` + referenceEventConfig,
				ExpectError: wrapped(`(?s)Tencent Cloud TCSS DescribeAbnormalProcessDetail failed.*Could not reach Tencent Cloud TCSS at ` +
					`127.0.0.1:1, after the retries \(max_retries\): connection refused: nothing accepts connections at that address\. ` +
					`Check tencentcloud.endpoint \(TENCENTCLOUD_TCSS_ENDPOINT\) and the network\..*cause: .*connection refused`),
			},
			{
				Config: `provider "cwpp" {
  huaweicloud {
    access_key  = "ak"
    secret_key  = "sk"
    project_id  = "p"
    endpoint    = "https://no-such-host.invalid"
    max_retries = 0
  }
}
data "cwpp_hss_app_whitelist_events" "test" { last_days = 1 }`,
				ExpectError: wrapped(`(?s)Huawei Cloud HSS ListAppWhitelistEvent failed.*Could not reach Huawei Cloud HSS at ` +
					`no-such-host.invalid:443, after the retries \(max_retries\): .*Check huaweicloud.endpoint \(HW_HSS_ENDPOINT\)`),
			},
		},
	})
}

// TestDocsAgreeWithTheAPI: the generated docs spell the TCSS values as the
// API sends them and the validators accept them.
func TestDocsAgreeWithTheAPI(t *testing.T) {
	files, err := filepath.Glob("../../docs/data-sources/tcss_*.md")
	if err != nil || len(files) != 2 {
		t.Fatalf("docs: %v %v", files, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, wrong := range []string{"EVENT_IGNORE", "NOTICE"} {
			if strings.Contains(string(data), wrong) {
				t.Errorf("%s mentions %s, which the API does not send", f, wrong)
			}
		}
		for _, v := range append(append([]string{}, tcssStatuses...), tcssRuleLevels...) {
			if !strings.Contains(string(data), "`"+v+"`") {
				t.Errorf("%s does not list %s", f, v)
			}
		}
	}
}

// setStateLimit lowers the limit on a read's state for one (non-parallel)
// test, so that it is reached with few events.
func setStateLimit(t *testing.T, limit int64) {
	previous := maxStateBytes.Swap(limit)
	t.Cleanup(func() { maxStateBytes.Store(previous) })
}

// TestAccStateTooLarge reads HSS events of 128 KiB command lines, 2,600 of
// them in the last day (one 2-day window), about 330 MiB of state against
// Terraform's 256 MiB: one diagnostic that names the way out, after the
// first page only.
func TestAccStateTooLarge(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HSSShape: localcloud.ShapeFull, HSSCmdLineBytes: 128 << 10})
	srv.AddHSSEvents(2600, time.Now().Add(-20*time.Hour), time.Now().Add(-time.Hour), "0")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: hssConfig(srv, "last_days = 1"),
			ExpectError: wrapped(`(?s)Event list too large for Terraform.*This read would keep about 2600 events, 3\d\d\.\d MiB of ` +
				`state \(1\d\d\.\d KiB per event\), more than the 254.0 MiB a read may return: Terraform's plugin protocol carries ` +
				`at most 256 MiB in one response \(terraform-plugin-go's gRPC limit\)\. About 1\d\d\d events of this shape fit\. The read stopped there, ` +
				`before requesting the pages it would have thrown away\..*Narrow the read: a shorter range \(last_days, or begin_time and end_time\), the ` +
				`server-side filters .*or severities; or set max_results, such as max_results = 1\d\d\d to keep the newest that fit; ` +
				`or set max_results = 0 to keep no events and only summary, which counts any number of them\.`),
		}},
	})
	if n := srv.RequestCount(localcloud.Huawei); n > 2 {
		t.Errorf("%d HSS requests for a read that could not fit after its first page, want 1 (2 at most)", n)
	}
}

// TestAccStateSizeLimit lowers the limit to the measured size of a list: the
// read fits just under it and fails just over it, max_results below it keeps
// working, and a TCSS list far over it fails after its first pages.
func TestAccStateSizeLimit(t *testing.T) {
	const n = 300
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: n, HSSShape: localcloud.ShapeFull, HSSCmdLineBytes: 8 << 10, TCSSEvents: 250})
	size := hssStateSize(t, srv)
	config := hssConfig(srv, "last_days = 30")
	steps := []struct {
		limit   int64
		config  string
		wantErr *regexp.Regexp
		kept    int
	}{
		{size + 1024, config, nil, n},
		{size - 1024, config, wrapped(fmt.Sprintf(`(?s)Event list too large for Terraform.*This read would keep %d events, `, n)), 0},
		{size / 2, hssConfig(srv, "last_days = 30\n  max_results = 100"), nil, 100},
	}
	for _, step := range steps {
		setStateLimit(t, step.limit)
		check := resource.TestStep{Config: step.config, ExpectError: step.wantErr}
		if step.wantErr == nil {
			check.ConfigStateChecks = []statecheck.StateCheck{
				statecheck.ExpectKnownValue(hssAddr, tfjsonpath.New("events"), knownvalue.ListSizeExact(step.kept)),
			}
		}
		resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testProviderFactories, Steps: []resource.TestStep{check}})
	}

	setStateLimit(t, 64<<10)
	srv.ResetRequests()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:      tcssListConfig(srv, ""),
			ExpectError: wrapped(`(?s)Event list too large for Terraform.*Narrow the read: status, filter blocks \(passed to the API's Filters\), or rule_levels`),
		}},
	})
	if got := srv.RequestCount(localcloud.Tencent); got > 2 {
		t.Errorf("%d TCSS list requests for a read that could not fit after its first page, want 2 at most (one speculated)", got)
	}
}

// hssStateSize is the encoded size of the events state of srv's HSS events.
func hssStateSize(t *testing.T, srv *localcloud.Server) int64 {
	t.Helper()
	days := int32(30)
	res, err := huaweicloud.ReadEventsAs(context.Background(), localHSSClient(t, srv), huaweicloud.Query{LastDays: &days},
		huaweicloud.DefaultConcurrency, keepHSSEventsEncoded(newStateBudget(types.Int64Null()), nil))
	if err != nil {
		t.Fatal(err)
	}
	return encodedSize(hssListElements(res.Events))
}
