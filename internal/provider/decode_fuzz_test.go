package provider

import (
	"testing"

	hwutils "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/utils"
	tcjson "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/json"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// FuzzTCSSResponse decodes arbitrary bodies the way the Tencent SDK does and
// maps them onto the model: errors are fine, panics are not.
func FuzzTCSSResponse(f *testing.F) {
	f.Add([]byte(`{"Response":` + localcloud.TCSSReferenceResponse + `}`))
	f.Add([]byte(`{"Response":{"ProcessInfo":{"ProcessId":18446744073709551615,"ProcessTree":"a(1)|b"}}}`))
	f.Add([]byte(`{"Response":{"EventDetail":{"MatchRule":null},"EventBaseInfo":{"EventCount":"2"}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var resp tencentcloud.DescribeAbnormalProcessDetailResponse
		if err := tcjson.Unmarshal(body, &resp); err != nil || resp.Response == nil {
			return
		}
		var m tcssAbnormalProcessModel
		_ = fillTCSSModel(&m, resp.Response)
	})
}

// FuzzHSSPage decodes arbitrary pages the way the Huawei SDK does and maps
// every event onto the model.
func FuzzHSSPage(f *testing.F) {
	f.Add([]byte(`{"total_num":1,"data_list":[` + localcloud.HSSReferenceEvent + `]}`))
	f.Add([]byte(`{"total_num":2,"data_list":[{"process_info":[{}],"process_info_list":[{"process_pid":1}]},{}]}`))
	f.Add([]byte(`{"total_num":"x","data_list":{}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var resp huaweicloud.ListAppWhitelistEventResponse
		if err := hwutils.Unmarshal(body, &resp); err != nil {
			return
		}
		for i := range resp.DataList {
			_ = newHSSEventModel(&resp.DataList[i])
		}
	})
}
