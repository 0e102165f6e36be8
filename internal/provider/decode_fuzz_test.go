package provider

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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
		_ = fillTCSSModel(&m, resp.Response, newTCSSTimes(time.UTC))
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

// FuzzTCSSListResponse decodes arbitrary list pages the way the Tencent SDK
// does, and checks that the fast path encodes the events exactly as the
// framework's path does.
func FuzzTCSSListResponse(f *testing.F) {
	f.Add([]byte(`{"Response":{"TotalCount":2,"EventSet":[{"Id":"5202566","RuleExist":true,"EventCount":2,"MatchRuleLevel":"HIGH"},{}],"RequestId":"r"}}`))
	f.Add([]byte(`{"Response":{"TotalCount":18446744073709551615,"EventSet":[{"EventCount":-9007199254740993,"RuleExist":false,"CmdLine":"\u0000é"}]}}`))
	f.Add([]byte(`{"Response":{"EventSet":null}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var resp tencentcloud.DescribeAbnormalProcessEventsResponse
		if err := tcjson.Unmarshal(body, &resp); err != nil || resp.Response == nil {
			return
		}
		checkTCSSListBothWays(t, resp.Response.EventSet)
	})
}

// checkTCSSListBothWays encodes events through the framework's path and the
// fast path: the events list must be the very bytes tftypes writes.
func checkTCSSListBothWays(t *testing.T, events []tencentcloud.AbnormalProcessEventInfo) {
	t.Helper()
	ctx := context.Background()
	var schemaResp datasource.SchemaResponse
	NewTCSSAbnormalProcessesDataSource().Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	typ, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the schema is not an object")
	}
	model := func(i int) tcssListEventModel { return newTCSSListEventModel(&events[i], newTCSSTimes(time.UTC)) }
	state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(typ, nil)}
	models := keepModels(len(events), model)
	m := tcssAbnormalProcessesModel{Events: make([]tcssListEventModel, len(models))}
	for i := range models {
		m.Events[i] = *models[i].model
	}
	if diags := state.Set(ctx, &m); diags.HasError() {
		t.Fatal(diags)
	}
	var attrs map[string]tftypes.Value
	if err := state.Raw.As(&attrs); err != nil {
		t.Fatal(err)
	}
	want := mustMsgPack(t, typ.AttributeTypes["events"], attrs["events"])

	codec, err := tcssListEventCodec()
	if err != nil {
		t.Fatal(err)
	}
	encoded, err := keepEncoded(codec, len(events), model)
	if err != nil {
		t.Fatal(err)
	}
	list := &encodedList{}
	m.Events = nil
	if diags := setListState(ctx, &state, list, "events", &m, encoded,
		func(m *tcssAbnormalProcessesModel, events []tcssListEventModel) { m.Events = events }); diags.HasError() {
		t.Fatal(diags)
	}
	if got := bytes.Join(list.parts, nil); !bytes.Equal(got, want) {
		t.Fatalf("the events' msgpack differs from tftypes' (%d vs %d bytes)", len(got), len(want))
	}
}
