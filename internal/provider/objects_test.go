package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	hwutils "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/utils"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// The fast conversion must produce exactly the state the framework's own
// reflection produces from the same models, nulls included: this also
// round-trips every event model through the schema.
func TestSetAttributeValueMatchesFramework(t *testing.T) {
	ctx := context.Background()
	var page huaweicloud.ListAppWhitelistEventResponse
	if err := jsonUnmarshal(`{"total_num":2,"data_list":[`+localcloud.HSSReferenceEvent+`,{"event_id":"bare"}]}`, &page); err != nil {
		t.Fatal(err)
	}
	models := []hssEventModel{newHSSEventModel(&page.DataList[0]), newHSSEventModel(&page.DataList[1])}
	empty := func() tfsdk.State { return emptyHSSState(ctx) }

	// The framework's way: the models as a typed list in the model.
	list, diags := types.ListValueFrom(ctx, eventObjectType(), models)
	if diags.HasError() {
		t.Fatal(diags)
	}
	framework := empty()
	if diags := framework.Set(ctx, &hssEventsModel{TotalNum: types.Int64Value(2), Events: list}); diags.HasError() {
		t.Fatal(diags)
	}

	fast := empty()
	if diags := fast.Set(ctx, &hssEventsModel{TotalNum: types.Int64Value(2), Events: types.ListNull(eventObjectType())}); diags.HasError() {
		t.Fatal(diags)
	}
	if err := setAttributeValue(ctx, &fast, "events", models); err != nil {
		t.Fatal(err)
	}
	if !fast.Raw.Equal(framework.Raw) {
		t.Fatalf("the states differ:\nfast:      %s\nframework: %s", fast.Raw, framework.Raw)
	}
}

// jsonUnmarshal decodes as the Huawei SDK does.
func jsonUnmarshal(s string, v any) error { return hwutils.Unmarshal([]byte(s), v) }

// emptyHSSState is a null state of cwpp_hss_app_whitelist_events, as Read receives it.
func emptyHSSState(ctx context.Context) tfsdk.State {
	var resp datasource.SchemaResponse
	NewHSSAppWhitelistEventsDataSource().Schema(ctx, datasource.SchemaRequest{}, &resp)
	return tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)}
}
