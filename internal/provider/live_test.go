package provider

import (
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The live tests read the real clouds with the credentials of the environment
// (endpoint unset). They skip unless those are exported; see the README.

func TestAccLiveTCSSAbnormalProcess(t *testing.T) {
	eventID := os.Getenv("CWPP_LIVE_TCSS_EVENT_ID")
	if eventID == "" || os.Getenv(envTencentSecretID) == "" || os.Getenv(envTencentEndpoint) != "" {
		t.Skip("set TENCENTCLOUD_SECRET_ID/KEY and CWPP_LIVE_TCSS_EVENT_ID, and leave TENCENTCLOUD_TCSS_ENDPOINT unset")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: `provider "cwpp" {}
data "cwpp_tcss_abnormal_process" "live" {
  event_id = "` + eventID + `"
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.cwpp_tcss_abnormal_process.live", tfjsonpath.New("request_id"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("data.cwpp_tcss_abnormal_process.live", tfjsonpath.New("event_base_info"), knownvalue.NotNull()),
			},
		}},
	})
}

func TestAccLiveHSSAppWhitelistEvents(t *testing.T) {
	if os.Getenv("CWPP_LIVE_HSS") == "" || os.Getenv(envHuaweiAccessKey) == "" || os.Getenv(envHuaweiEndpoint) != "" {
		t.Skip("set HW_ACCESS_KEY/HW_SECRET_KEY/HW_PROJECT_ID/HW_REGION_NAME and CWPP_LIVE_HSS=1, and leave HW_HSS_ENDPOINT unset")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: `provider "cwpp" {}
data "cwpp_hss_app_whitelist_events" "live" {
  last_days = 3
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.cwpp_hss_app_whitelist_events.live", tfjsonpath.New("total_num"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("data.cwpp_hss_app_whitelist_events.live", tfjsonpath.New("events"), knownvalue.NotNull()),
			},
		}},
	})
}
