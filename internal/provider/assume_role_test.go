package provider

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// The member account's data differs from the caller's own: other counts,
// and for HSS another project.
const (
	memberTCSSEvents = 40
	memberHSSEvents  = 30
	ownTCSSEvents    = 4
	ownHSSEvents     = 6
)

var assumeCloud = localcloud.Config{
	TCSSEvents: ownTCSSEvents, HSSEvents: ownHSSEvents, TencentQuota: -1,
	MemberTCSSEvents: memberTCSSEvents, MemberHSSEvents: memberHSSEvents,
}

const memberPolicy = `{"version":"2.0","statement":[{"effect":"allow","action":["tcss:Describe*"],"resource":["*"]}]}`

// tencentAssumeBlock is an assume_role block for the local cloud's member role; extra goes inside.
func tencentAssumeBlock(srv *localcloud.Server, extra string) string {
	return fmt.Sprintf(`assume_role {
      role_arn     = %q
      session_name = "cwpp-test"
      external_id  = %q
      endpoint     = %q
      %s
    }`, localcloud.MemberRoleARN, localcloud.MemberExternalID, srv.URL(), extra)
}

func huaweiAssumeBlock(srv *localcloud.Server, extra string) string {
	return fmt.Sprintf(`assume_role {
      agency_name = %q
      endpoint    = %q
      %s
    }`, localcloud.MemberAgency, srv.URL(), extra)
}

// memberProviderHCL configures both clouds to assume into the member account.
func memberProviderHCL(srv *localcloud.Server, tencentAssume, huaweiAssume string) string {
	return srv.MemberProviderHCL(tencentAssume, huaweiAssume)
}

const bothListsConfig = `
data "cwpp_tcss_abnormal_processes" "all" {}
data "cwpp_hss_app_whitelist_events" "all" {
  last_days = 30
}
`

// memberDataRead: the counts are the member account's, not the caller's.
var memberDataRead = []statecheck.StateCheck{
	statecheck.ExpectKnownValue("data.cwpp_tcss_abnormal_processes.all", tfjsonpath.New("total_count"), knownvalue.Int64Exact(memberTCSSEvents+tcssFixedEvents)),
	statecheck.ExpectKnownValue("data.cwpp_hss_app_whitelist_events.all", tfjsonpath.New("total_num"), knownvalue.Int64Exact(memberHSSEvents)),
}

// dataRequests counts the requests that read data, leaving out the assume calls.
func dataRequests(srv *localcloud.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Action != "AssumeRole" && r.Action != localcloud.ActionAgencyKeys {
			n++
		}
	}
	return n
}

func requestsOf(srv *localcloud.Server, action string) []localcloud.Request {
	var out []localcloud.Request
	for _, r := range srv.Requests() {
		if r.Action == action {
			out = append(out, r)
		}
	}
	return out
}

func TestAccAssumeRoleReadsTheMemberAccount(t *testing.T) {
	srv := localcloud.StartForTest(t, assumeCloud)
	clearProviderEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: memberProviderHCL(srv,
				tencentAssumeBlock(srv, fmt.Sprintf("policy = %q", memberPolicy)),
				huaweiAssumeBlock(srv, `domain_name = "`+localcloud.MemberDomainName+`"`)) + bothListsConfig,
			ConfigStateChecks: memberDataRead,
			Check: func(*terraform.State) error {
				assumed := requestsOf(srv, "AssumeRole")
				if len(assumed) == 0 {
					return fmt.Errorf("no AssumeRole request")
				}
				want := map[string]string{
					"RoleArn": localcloud.MemberRoleARN, "RoleSessionName": "cwpp-test", "DurationSeconds": "7200",
					"ExternalId": localcloud.MemberExternalID, "Policy": url.QueryEscape(memberPolicy),
				}
				for _, r := range assumed {
					for k, v := range want {
						if r.Params[k] != v {
							return fmt.Errorf("AssumeRole sent %s=%q, want %q", k, r.Params[k], v)
						}
					}
				}
				for _, r := range requestsOf(srv, localcloud.ActionAgencyKeys) {
					if r.Params["agency_name"] != localcloud.MemberAgency || r.Params["domain_name"] != localcloud.MemberDomainName ||
						r.Params["domain_id"] != "" || r.Params["duration_seconds"] != "3600" {
						return fmt.Errorf("the agency call sent %v", r.Params)
					}
				}
				return nil
			},
		}},
	})
}

// TestAccAssumeRoleOncePerProviderInstance runs one plan with the CLI: one
// provider instance assumes once, whatever the number of reads.
func TestAccAssumeRoleOncePerProviderInstance(t *testing.T) {
	srv := localcloud.StartForTest(t, assumeCloud)
	var reads strings.Builder
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&reads, "data \"cwpp_tcss_abnormal_process\" \"r%d\" {\n  event_id = %q\n}\n", i, localcloud.TCSSGeneratedEventID(i))
	}
	dir, env := cliWorkdir(t, requiredProviders+memberProviderHCL(srv, tencentAssumeBlock(srv, ""),
		huaweiAssumeBlock(srv, `domain_id = "`+localcloud.MemberDomainID+`"`))+bothListsConfig+reads.String())
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "plan", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	if n := len(requestsOf(srv, "AssumeRole")); n != 1 {
		t.Errorf("%d AssumeRole requests for one plan; want 1", n)
	}
	if n := len(requestsOf(srv, localcloud.ActionAgencyKeys)); n != 1 {
		t.Errorf("%d agency requests for one plan; want 1", n)
	}
	if n := len(requestsOf(srv, "DescribeAbnormalProcessDetail")); n != 5 {
		t.Errorf("%d detail reads; want 5", n)
	}
}

func TestAccAssumeRoleFromEnvironmentOnly(t *testing.T) {
	srv := localcloud.StartForTest(t, assumeCloud)
	clearProviderEnv(t)
	for k, v := range map[string]string{
		envTencentSecretID: localcloud.TencentSecretID, envTencentSecretKey: localcloud.TencentSecretKey, envTencentEndpoint: srv.URL(),
		envTencentRoleArn: localcloud.MemberRoleARN, envTencentSessionName: "cwpp-env", envTencentSessionDuration: "900",
		envTencentExternalID: localcloud.MemberExternalID, envTencentSTSEndpoint: srv.URL(),
		envHuaweiAccessKey: localcloud.HuaweiAccessKey, envHuaweiSecretKey: localcloud.HuaweiSecretKey,
		envHuaweiProjectID: localcloud.MemberProjectID, envHuaweiEndpoint: srv.URL(),
		envHuaweiAgencyName: localcloud.MemberAgency, envHuaweiDomainID: localcloud.MemberDomainID, envHuaweiDuration: "1800",
		envHuaweiIAMEndpoint: srv.URL(),
	} {
		t.Setenv(k, v)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:            `provider "cwpp" {}` + bothListsConfig,
			ConfigStateChecks: memberDataRead,
			Check: func(*terraform.State) error {
				for _, r := range requestsOf(srv, "AssumeRole") {
					if r.Params["RoleSessionName"] != "cwpp-env" || r.Params["DurationSeconds"] != "900" {
						return fmt.Errorf("AssumeRole sent %v", r.Params)
					}
				}
				for _, r := range requestsOf(srv, localcloud.ActionAgencyKeys) {
					if r.Params["domain_id"] != localcloud.MemberDomainID || r.Params["duration_seconds"] != "1800" {
						return fmt.Errorf("the agency call sent %v", r.Params)
					}
				}
				return nil
			},
		}},
	})
}

func TestAccAssumeRoleHCLOverridesEnvironment(t *testing.T) {
	srv := localcloud.StartForTest(t, assumeCloud)
	clearProviderEnv(t)
	// Wrong values in the environment: the block's must win, the domain as one setting.
	t.Setenv(envTencentRoleArn, "qcs::cam::uin/1:roleName/wrong")
	t.Setenv(envTencentExternalID, "wrong-external-id")
	t.Setenv(envTencentSessionDuration, "60")
	t.Setenv(envTencentSTSEndpoint, "http://127.0.0.1:1")
	t.Setenv(envHuaweiAgencyName, "wrong_agency")
	t.Setenv(envHuaweiDomainID, "wrong-domain-id")
	t.Setenv(envHuaweiIAMEndpoint, "http://127.0.0.1:1")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: memberProviderHCL(srv, tencentAssumeBlock(srv, "session_duration = 3600"),
				huaweiAssumeBlock(srv, `domain_name = "`+localcloud.MemberDomainName+`"`)) + bothListsConfig,
			ConfigStateChecks: memberDataRead,
			Check: func(*terraform.State) error {
				for _, r := range requestsOf(srv, "AssumeRole") {
					if r.Params["DurationSeconds"] != "3600" {
						return fmt.Errorf("AssumeRole sent %v", r.Params)
					}
				}
				return nil
			},
		}},
	})
}

func TestAccAssumeRoleRefused(t *testing.T) {
	srv := localcloud.StartForTest(t, assumeCloud)
	clearProviderEnv(t)
	requestID := `request id: [0-9a-f-]{36}`
	cases := []struct {
		name, tencent, huawei string
		want                  *regexp.Regexp
	}{
		{
			name:    "wrong role",
			tencent: strings.Replace(tencentAssumeBlock(srv, ""), localcloud.MemberRoleARN, "qcs::cam::uin/100000000002:roleName/nobody", 1),
			want: wrapped(`(?s)Cannot assume tencentcloud.assume_role.*tencentcloud.assume_role.role_arn.*roleName/nobody.*` +
				`code: ResourceNotFound.RoleNotExist.*message: The role .* does not exist.*` + requestID),
		},
		{
			name:    "bad external id",
			tencent: strings.Replace(tencentAssumeBlock(srv, ""), localcloud.MemberExternalID, "not-the-external-id", 1),
			want:    wrapped(`(?s)Cannot assume tencentcloud.assume_role.*code: AuthFailure.UnauthorizedOperation.*ExternalId.*` + requestID),
		},
		{
			name:   "wrong agency",
			huawei: strings.Replace(huaweiAssumeBlock(srv, `domain_name = "`+localcloud.MemberDomainName+`"`), localcloud.MemberAgency, "nobody", 1),
			want: wrapped(`(?s)Cannot assume huaweicloud.assume_role.*huaweicloud.assume_role.agency_name.*"nobody".*` +
				`status: 403.*error_code: IAM.0002.*` + requestID),
		},
		{
			name:   "wrong domain",
			huawei: huaweiAssumeBlock(srv, `domain_id = "not-the-domain"`),
			want:   wrapped(`(?s)Cannot assume huaweicloud.assume_role.*domain_id "not-the-domain".*status: 404.*` + requestID),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.ResetRequests()
			config := memberProviderHCL(srv, tc.tencent, tc.huawei) + bothListsConfig
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps:                    []resource.TestStep{{Config: config, ExpectError: tc.want}},
			})
			if n := dataRequests(srv); n != 0 {
				t.Errorf("%d data requests after a refused assume call; want 0", n)
			}
		})
	}
}

// TestAccAssumeRoleRefreshedMidRead reads lists that take several lifetimes
// of the assumed keys: the keys are assumed again before they expire, no
// request is refused, and the data is exact.
func TestAccAssumeRoleRefreshedMidRead(t *testing.T) {
	cfg := assumeCloud
	cfg.MemberTCSSEvents, cfg.MemberHSSEvents = 2400, 2400
	cfg.AssumedLifetime = 2 * time.Second
	srv := localcloud.StartForTest(t, cfg)
	clearProviderEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			// 25 TCSS pages at 6/s and 12 HSS pages at 3/s: about 4 s each, twice the keys' life.
			Config: memberProviderHCL(srv, tencentAssumeBlock(srv, "")+"\n    requests_per_second = 6",
				huaweiAssumeBlock(srv, `domain_name = "`+localcloud.MemberDomainName+`"`)+"\n    requests_per_second = 3") + `
data "cwpp_tcss_abnormal_processes" "all" {}
data "cwpp_hss_app_whitelist_events" "all" {
  last_days = 30
}
output "tcss_ids" {
  value = length(distinct(data.cwpp_tcss_abnormal_processes.all.events[*].id))
}
output "hss_ids" {
  value = length(distinct(data.cwpp_hss_app_whitelist_events.all.events[*].event_id))
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.cwpp_tcss_abnormal_processes.all", tfjsonpath.New("total_count"), knownvalue.Int64Exact(2400+tcssFixedEvents)),
				statecheck.ExpectKnownValue("data.cwpp_hss_app_whitelist_events.all", tfjsonpath.New("total_num"), knownvalue.Int64Exact(2400)),
				statecheck.ExpectKnownOutputValue("tcss_ids", knownvalue.Int64Exact(2400+tcssFixedEvents)),
				statecheck.ExpectKnownOutputValue("hss_ids", knownvalue.Int64Exact(2400)),
			},
			Check: func(*terraform.State) error {
				refused := 0
				for _, r := range srv.Requests() {
					if r.Code == "AuthFailure.TokenFailure" || r.Code == "APIGW.0301" {
						refused++
					}
				}
				if refused != 0 {
					return fmt.Errorf("%d requests were refused for expired keys", refused)
				}
				// Each of the read's provider instances assumed again mid-read.
				if n := len(requestsOf(srv, "AssumeRole")); n < 4 {
					return fmt.Errorf("%d AssumeRole requests: the keys were not refreshed mid-read", n)
				}
				if n := len(requestsOf(srv, localcloud.ActionAgencyKeys)); n < 4 {
					return fmt.Errorf("%d agency requests: the keys were not refreshed mid-read", n)
				}
				return nil
			},
		}},
	})
}

func TestAccAssumeRoleInvalidSettings(t *testing.T) {
	srv := localcloud.StartForTest(t, assumeCloud)
	clearProviderEnv(t)
	domain := `domain_name = "` + localcloud.MemberDomainName + `"`
	cases := []struct {
		name, tencent, huawei string
		env                   map[string]string
		want                  *regexp.Regexp
	}{
		{name: "session_duration 0", tencent: tencentAssumeBlock(srv, "session_duration = 0"),
			want: wrapped(`(?s)session_duration.*between 1 and 43200`)},
		{name: "session_duration too long", tencent: tencentAssumeBlock(srv, "session_duration = 43201"),
			want: wrapped(`(?s)session_duration.*between 1 and 43200`)},
		{name: "empty role_arn", tencent: strings.Replace(tencentAssumeBlock(srv, ""), localcloud.MemberRoleARN, "", 1),
			want: wrapped(`(?s)role_arn.*at least 1`)},
		{name: "session_name too short", tencent: strings.Replace(tencentAssumeBlock(srv, ""), "cwpp-test", "a", 1),
			want: wrapped(`(?s)session_name.*length must be between 2 and 128`)},
		{name: "session_name with a space", tencent: strings.Replace(tencentAssumeBlock(srv, ""), "cwpp-test", "cwpp test", 1),
			want: wrapped(`(?s)session_name.*letters, digits`)},
		{name: "no session_name", tencent: strings.Replace(tencentAssumeBlock(srv, ""), `session_name = "cwpp-test"`, "", 1),
			want: wrapped(`(?s)Missing tencentcloud.assume_role.session_name.*TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME`)},
		{name: "policy not JSON", tencent: tencentAssumeBlock(srv, `policy = "allow everything"`),
			want: wrapped(`(?s)policy must be a JSON object`)},
		{name: "bad STS endpoint", tencent: strings.Replace(tencentAssumeBlock(srv, ""), srv.URL(), "sts.example.com:443", 1),
			want: wrapped(`(?s)Invalid endpoint URL.*tencentcloud.assume_role.endpoint`)},
		{name: "misspelled setting", tencent: tencentAssumeBlock(srv, `role_arm = "x"`),
			want: wrapped(`(?s)An argument named "role_arm" is not expected here`)},
		{name: "session_duration from the environment", tencent: `assume_role {}`,
			env:  map[string]string{envTencentRoleArn: localcloud.MemberRoleARN, envTencentSessionName: "cwpp", envTencentSessionDuration: "two hours"},
			want: wrapped(`(?s)Invalid TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION.*between 1 and 43200`)},
		{name: "duration too short", huawei: huaweiAssumeBlock(srv, domain+"\n duration = 899"),
			want: wrapped(`(?s)duration.*between 900 and 86400`)},
		{name: "duration too long", huawei: huaweiAssumeBlock(srv, domain+"\n duration = 86401"),
			want: wrapped(`(?s)duration.*between 900 and 86400`)},
		{name: "empty agency_name", huawei: strings.Replace(huaweiAssumeBlock(srv, domain), localcloud.MemberAgency, "", 1),
			want: wrapped(`(?s)agency_name.*at least 1`)},
		{name: "both domains", huawei: huaweiAssumeBlock(srv, domain+"\n domain_id = \""+localcloud.MemberDomainID+`"`),
			want: wrapped(`(?s)domain_(name|id).*cannot be specified when`)},
		{name: "neither domain", huawei: huaweiAssumeBlock(srv, ""),
			want: wrapped(`(?s)Missing huaweicloud.assume_role domain.*domain_name and domain_id`)},
		{name: "both domains from the environment", huawei: huaweiAssumeBlock(srv, ""),
			env:  map[string]string{envHuaweiDomainName: localcloud.MemberDomainName, envHuaweiDomainID: localcloud.MemberDomainID},
			want: wrapped(`(?s)Set one of domain_name and domain_id, not both`)},
		{name: "bad IAM endpoint", huawei: strings.Replace(huaweiAssumeBlock(srv, domain), srv.URL(), "ftp://iam.example.com", 1),
			want: wrapped(`(?s)Invalid endpoint URL.*huaweicloud.assume_role.endpoint`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config: memberProviderHCL(srv, tc.tencent, tc.huawei) + bothListsConfig, ExpectError: tc.want,
				}},
			})
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the local cloud saw %d requests; invalid assume_role settings must stop before any request", n)
	}
}

func TestAccAssumeRoleSecretsNeverLogged(t *testing.T) {
	srv := localcloud.StartForTest(t, assumeCloud)
	dir, env := cliWorkdir(t, requiredProviders+memberProviderHCL(srv, tencentAssumeBlock(srv, ""),
		huaweiAssumeBlock(srv, `domain_name = "`+localcloud.MemberDomainName+`"`))+bothListsConfig+`
data "cwpp_tcss_abnormal_process" "ref" {
  event_id = "5202566"
}
output "count" {
  value = length(data.cwpp_hss_app_whitelist_events.all.events)
}
`)
	out, logText, state := applyWithTrace(t, dir, env)
	if !bytes.Contains(logText, []byte("assumed temporary credentials")) {
		t.Error("the TRACE log lacks the provider's assume line: its logs were not captured")
	}
	secrets := append([]string{localcloud.TencentSecretKey, localcloud.HuaweiSecretKey}, srv.AssumedSecrets()...)
	if len(secrets) < 6 {
		t.Fatalf("only %d secrets to look for: the keys were not assumed", len(secrets))
	}
	for _, secret := range secrets {
		for name, text := range map[string][]byte{"log": logText, "output": out, "state": state} {
			if bytes.Contains(text, []byte(secret)) {
				t.Errorf("the %s contains the secret %q", name, secret)
			}
		}
	}
}

// wrapped compiles an error pattern whose spaces also match the line breaks
// the CLI wraps diagnostics with.
func wrapped(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}
