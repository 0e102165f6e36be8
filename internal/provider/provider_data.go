package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// providerData is what Configure hands to the data sources: one client per
// configured cloud, nil for a cloud that is not configured.
type providerData struct {
	tencent tencentcloud.API
	// tencentZone is tencentcloud.time_zone: TCSS's times carry none.
	tencentZone *time.Location
	huawei      *huaweicloud.Client
	// tencentIncomplete and huaweiIncomplete say what the environment lacks
	// when it alone configures a cloud, reported by that cloud's data sources.
	tencentIncomplete, huaweiIncomplete string
	// secrets are masked in every log line of every read.
	secrets []string
}

// logContext masks the provider's secrets, and any field that could carry
// one, in everything logged under ctx. The masks are safe to share between
// goroutines, unlike tflog's own (see package logging).
func (d *providerData) logContext(ctx context.Context) context.Context {
	return logging.WithSecrets(ctx, d.secrets...)
}

// toProviderData type-checks ProviderData for every data source. It returns
// nil, without error, before the provider is configured.
func toProviderData(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *providerData {
	if req.ProviderData == nil {
		return nil
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return nil
	}
	return data
}

const (
	tencentNotConfigured = "This data source reads Tencent Cloud TCSS, and the provider has no Tencent Cloud credentials. " +
		"Set tencentcloud.secret_id and tencentcloud.secret_key in the provider block, or the environment variables " +
		envTencentSecretID + " and " + envTencentSecretKey + "."
	huaweiNotConfigured = "This data source reads Huawei Cloud HSS, and the provider has no Huawei Cloud credentials. " +
		"Set huaweicloud.access_key, huaweicloud.secret_key, huaweicloud.project_id and huaweicloud.region in the provider " +
		"block, or the environment variables " + envHuaweiAccessKey + ", " + envHuaweiSecretKey + ", " + envHuaweiProjectID +
		" and " + envHuaweiRegion + "."
)

// tencentRead starts a TCSS read: the client, the region (the data source's,
// else the provider's), and ctx masking secrets and logging the region. ok is
// false, with a diagnostic, when Tencent Cloud is not configured.
func (d *providerData) tencentRead(ctx context.Context, region types.String, diags *diag.Diagnostics) (tencentcloud.API, string, context.Context, bool) {
	if d != nil && d.tencentIncomplete != "" {
		diags.AddError("Tencent Cloud is not fully configured", d.tencentIncomplete)
		return nil, "", ctx, false
	}
	if d == nil || d.tencent == nil {
		diags.AddError("Tencent Cloud is not configured", tencentNotConfigured)
		return nil, "", ctx, false
	}
	r := region.ValueString()
	if r == "" {
		r = d.tencent.Region()
	}
	return d.tencent, r, logging.SetField(d.logContext(ctx), "region", r), true
}

// huaweiRead starts an HSS read: the client and ctx masking secrets. ok is
// false, with a diagnostic, when Huawei Cloud is not configured.
func (d *providerData) huaweiRead(ctx context.Context, diags *diag.Diagnostics) (*huaweicloud.Client, context.Context, bool) {
	if d != nil && d.huaweiIncomplete != "" {
		diags.AddError("Huawei Cloud is not fully configured", d.huaweiIncomplete)
		return nil, ctx, false
	}
	if d == nil || d.huawei == nil {
		diags.AddError("Huawei Cloud is not configured", huaweiNotConfigured)
		return nil, ctx, false
	}
	return d.huawei, d.logContext(ctx), true
}

func (d *providerData) addSecrets(values ...string) {
	for _, v := range values {
		if v != "" {
			d.secrets = append(d.secrets, v)
		}
	}
}
