package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// testProviderFactories serve the provider in-process to the real CLI that
// terraform-plugin-testing drives (TF_ACC_TERRAFORM_PATH picks Terraform or OpenTofu).
var testProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"cwpp": func() (tfprotov6.ProviderServer, error) { return NewProtocol6Server("test")(), nil },
}

// providerEnv lists every variable the provider reads, so tests can clear them.
var providerEnv = []string{
	envTencentSecretID, envTencentSecretKey, envTencentSecurityToken, envTencentRegion, envTencentEndpoint,
	envHuaweiAccessKey, envHuaweiSecretKey, envHuaweiSecurityToken, envHuaweiRegion, envHuaweiProjectID, envHuaweiEndpoint,
	envTencentRoleArn, envTencentSessionName, envTencentSessionDuration, envTencentExternalID, envTencentSTSEndpoint,
	envHuaweiAgencyName, envHuaweiDomainName, envHuaweiDomainID, envHuaweiDuration, envHuaweiIAMEndpoint,
}

// testTempDir lives as long as the test process.
var testTempDir string

func TestMain(m *testing.M) {
	// The machine may point TF_CLI_CONFIG_FILE at a file that does not exist:
	// the tests run with an empty CLI configuration of their own.
	dir, err := os.MkdirTemp("", "cwpp-cli-config")
	if err != nil {
		panic(err)
	}
	testTempDir = dir
	cliConfig := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		panic(err)
	}
	for name, value := range map[string]string{"TF_CLI_CONFIG_FILE": cliConfig, "CHECKPOINT_DISABLE": "1"} {
		if err := os.Setenv(name, value); err != nil {
			panic(err)
		}
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// clearProviderEnv unsets the provider's variables for one (non-parallel) test.
func clearProviderEnv(t *testing.T) {
	for _, name := range providerEnv {
		t.Setenv(name, "")
	}
}

// providerConfig configures both clouds against a local cloud.
func providerConfig(srv *localcloud.Server, tencentExtra, huaweiExtra string) string {
	return srv.ProviderHCL(tencentExtra, huaweiExtra)
}

// requiredProviders names the provider's source, for configurations run with
// the CLI itself (cliWorkdir).
const requiredProviders = `terraform {
  required_providers {
    cwpp = { source = "cwpp-terraform/cwpp" }
  }
}
`

const referenceEventConfig = `
data "cwpp_tcss_abnormal_process" "ref" {
  event_id = "5202566"
}
`

var referenceEventRead = statecheck.ExpectKnownValue("data.cwpp_tcss_abnormal_process.ref",
	tfjsonpath.New("process_info").AtMapKey("process_id"), knownvalue.Int64Exact(2907621))

func TestAccProviderConfigFromEnvironmentOnly(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{})
	clearProviderEnv(t)
	t.Setenv(envTencentSecretID, localcloud.TencentSecretID)
	t.Setenv(envTencentSecretKey, localcloud.TencentSecretKey)
	t.Setenv(envTencentEndpoint, srv.URL())
	t.Setenv(envTencentRegion, "ap-shanghai")
	t.Setenv(envHuaweiAccessKey, localcloud.HuaweiAccessKey)
	t.Setenv(envHuaweiSecretKey, localcloud.HuaweiSecretKey)
	t.Setenv(envHuaweiProjectID, localcloud.HuaweiProjectID)
	t.Setenv(envHuaweiEndpoint, srv.URL())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: `provider "cwpp" {}` + referenceEventConfig + `
data "cwpp_hss_app_whitelist_events" "all" {
  last_days = 30
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				referenceEventRead,
				statecheck.ExpectKnownValue("data.cwpp_tcss_abnormal_process.ref", tfjsonpath.New("region"), knownvalue.StringExact("ap-shanghai")),
				statecheck.ExpectKnownValue("data.cwpp_hss_app_whitelist_events.all", tfjsonpath.New("total_num"), knownvalue.Int64Exact(0)),
			},
		}},
	})
}

func TestAccProviderConfigHCLOverridesEnvironment(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{})
	clearProviderEnv(t)
	// Wrong values in the environment: the HCL ones must win.
	t.Setenv(envTencentSecretKey, "wrong-key-from-env")
	t.Setenv(envTencentEndpoint, "http://127.0.0.1:1")
	t.Setenv(envTencentRegion, "ap-beijing")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(srv, `region = "ap-guangzhou"`, "") + referenceEventConfig,
			ConfigStateChecks: []statecheck.StateCheck{
				referenceEventRead,
				statecheck.ExpectKnownValue("data.cwpp_tcss_abnormal_process.ref", tfjsonpath.New("region"), knownvalue.StringExact("ap-guangzhou")),
			},
		}},
	})
}

func TestAccProviderConfigErrors(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{})
	clearProviderEnv(t)
	cases := []planErrorCase{
		{
			name: "missing secret key",
			config: fmt.Sprintf(`provider "cwpp" {
  tencentcloud {
    secret_id = "AKIDx"
    endpoint = %q
  }
}`, srv.URL()) + referenceEventConfig,
			want: regexp.MustCompile(`(?s)Missing tencentcloud.secret_key.*TENCENTCLOUD_SECRET_KEY`),
		},
		{
			name: "missing project id",
			config: fmt.Sprintf(`provider "cwpp" {
  huaweicloud {
    access_key = "ak"
    secret_key = "sk"
    endpoint = %q
  }
}`, srv.URL()) + referenceEventConfig,
			want: regexp.MustCompile(`(?s)Missing huaweicloud.project_id.*HW_PROJECT_ID`),
		},
		{
			name: "bad endpoint URL",
			config: `provider "cwpp" {
  tencentcloud {
    secret_id = "AKIDx"
    secret_key = "k"
    endpoint = "tcss.example.com:443"
  }
}` + referenceEventConfig,
			want: regexp.MustCompile(`(?s)Invalid endpoint URL.*tencentcloud.endpoint`),
		},
		{
			name: "requests_per_second zero",
			config: `provider "cwpp" {
  tencentcloud {
    secret_id = "AKIDx"
    secret_key = "k"
    requests_per_second = 0
  }
}` + referenceEventConfig,
			want: regexp.MustCompile(`(?s)requests_per_second.*at least 1`),
		},
		{
			name: "negative max_retries",
			config: `provider "cwpp" {
  huaweicloud {
    access_key = "ak"
    secret_key = "sk"
    project_id = "p"
    region = "cn-north-4"
    max_retries = -1
  }
}` + referenceEventConfig,
			want: regexp.MustCompile(`(?s)max_retries.*at least 0`),
		},
		{
			name: "empty region",
			config: `provider "cwpp" {
  tencentcloud {
    secret_id = "AKIDx"
    secret_key = "k"
    region = ""
  }
}` + referenceEventConfig,
			want: regexp.MustCompile(`(?s)tencentcloud.region.*length`),
		},
	}
	expectPlanErrors(t, srv, cases)
}

// planErrorCase is a configuration that must fail at plan with want.
type planErrorCase struct {
	name, config string
	want         *regexp.Regexp
}

// expectPlanErrors runs each case as its own test, then requires that srv saw
// no request: bad input stops before anything is sent.
func expectPlanErrors(t *testing.T, srv *localcloud.Server, cases []planErrorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: tc.want}},
			})
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the local cloud saw %d requests for invalid configurations; bad input must stop before any request", n)
	}
}

// huaweiOnlyProviderHCL configures Huawei Cloud alone, against srv.
func huaweiOnlyProviderHCL(srv *localcloud.Server) string {
	return fmt.Sprintf(`provider "cwpp" {
  huaweicloud {
    access_key = %q
    secret_key = %q
    project_id = %q
    endpoint   = %q
  }
}
`, localcloud.HuaweiAccessKey, localcloud.HuaweiSecretKey, localcloud.HuaweiProjectID, srv.URL())
}

func TestAccProviderOneCloudWithoutTheOther(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 5})
	clearProviderEnv(t)
	huaweiOnly := huaweiOnlyProviderHCL(srv)
	tencentOnly := fmt.Sprintf(`provider "cwpp" {
  tencentcloud {
    secret_id  = %q
    secret_key = %q
    endpoint   = %q
  }
}
`, localcloud.TencentSecretID, localcloud.TencentSecretKey, srv.URL())
	const hssAll = `data "cwpp_hss_app_whitelist_events" "all" { last_days = 30 }`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: huaweiOnly + hssAll,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.cwpp_hss_app_whitelist_events.all", tfjsonpath.New("total_num"), knownvalue.Int64Exact(5)),
				},
			},
			{
				Config:      huaweiOnly + referenceEventConfig,
				ExpectError: regexp.MustCompile(`(?s)Tencent Cloud is not configured.*TENCENTCLOUD_SECRET_ID.*TENCENTCLOUD_SECRET_KEY`),
			},
		},
	})
	if n := srv.RequestCount(localcloud.Tencent); n != 0 {
		t.Errorf("TCSS saw %d requests from an unconfigured cloud", n)
	}
	srv.ResetRequests()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: tencentOnly + referenceEventConfig, ConfigStateChecks: []statecheck.StateCheck{referenceEventRead}},
			{
				Config:      tencentOnly + hssAll,
				ExpectError: regexp.MustCompile(`(?s)Huawei Cloud is not configured.*HW_ACCESS_KEY.*HW_SECRET_KEY`),
			},
		},
	})
	if n := srv.RequestCount(localcloud.Huawei); n != 0 {
		t.Errorf("HSS saw %d requests from an unconfigured cloud", n)
	}
}

// TestAccProviderMisspelledSettingFails: a misspelled setting inside a cloud
// block is Terraform's own "not expected here" error at plan, and no request
// is made. As object attributes, Terraform dropped such keys without a word.
func TestAccProviderMisspelledSettingFails(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 5})
	clearProviderEnv(t)
	for _, tc := range []struct{ name, tencentExtra, huaweiExtra, misspelled string }{
		{"tencentcloud regoin", `regoin = "ap-shanghai"`, "", "regoin"},
		{"tencentcloud endpiont", `endpiont = "http://127.0.0.1:1"`, "", "endpiont"},
		{"tencentcloud secret_kye", `secret_kye = "x"`, "", "secret_kye"},
		{"huaweicloud regoin", "", `regoin = "cn-south-1"`, "regoin"},
		{"huaweicloud endpiont", "", `endpiont = "http://127.0.0.1:1"`, "endpiont"},
		{"huaweicloud secret_kye", "", `secret_kye = "x"`, "secret_kye"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(srv, tc.tencentExtra, tc.huaweiExtra) + referenceEventConfig +
						`data "cwpp_hss_app_whitelist_events" "all" { last_days = 30 }`,
					ExpectError: regexp.MustCompile(`An argument named "` + tc.misspelled + `" is not expected here`),
				}},
			})
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the local cloud saw %d requests; a misspelled setting must stop before any request", n)
	}
}

// TestAccProviderEmptyBlocksReadTheEnvironment: an empty block takes every
// setting from the environment, and reports the ones the environment lacks.
func TestAccProviderEmptyBlocksReadTheEnvironment(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 3})
	clearProviderEnv(t)
	const emptyBlocks = `provider "cwpp" {
  tencentcloud {}
  huaweicloud {}
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:      emptyBlocks + referenceEventConfig,
			ExpectError: regexp.MustCompile(`(?s)Missing tencentcloud.secret_id.*TENCENTCLOUD_SECRET_ID`),
		}},
	})
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("the local cloud saw %d requests from an unconfigured provider", n)
	}
	t.Setenv(envTencentSecretID, localcloud.TencentSecretID)
	t.Setenv(envTencentSecretKey, localcloud.TencentSecretKey)
	t.Setenv(envTencentEndpoint, srv.URL())
	t.Setenv(envHuaweiAccessKey, localcloud.HuaweiAccessKey)
	t.Setenv(envHuaweiSecretKey, localcloud.HuaweiSecretKey)
	t.Setenv(envHuaweiProjectID, localcloud.HuaweiProjectID)
	t.Setenv(envHuaweiEndpoint, srv.URL())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: emptyBlocks + referenceEventConfig + `data "cwpp_hss_app_whitelist_events" "all" { last_days = 30 }`,
			ConfigStateChecks: []statecheck.StateCheck{
				referenceEventRead,
				statecheck.ExpectKnownValue("data.cwpp_hss_app_whitelist_events.all", tfjsonpath.New("total_num"), knownvalue.Int64Exact(3)),
			},
		}},
	})
}
