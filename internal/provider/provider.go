// Package provider is the cwpp provider: its configuration, the clients it
// builds from it, and its data sources.
package provider

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // tencentcloud.time_zone on machines without a zone database

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/retry"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/transport"
)

// Environment variables: the names users of the vendors' own providers export.
const (
	envTencentSecretID      = "TENCENTCLOUD_SECRET_ID"
	envTencentSecretKey     = "TENCENTCLOUD_SECRET_KEY"
	envTencentSecurityToken = "TENCENTCLOUD_SECURITY_TOKEN"
	envTencentRegion        = "TENCENTCLOUD_REGION"
	envTencentTimeZone      = "TENCENTCLOUD_TIME_ZONE"
	envTencentEndpoint      = "TENCENTCLOUD_TCSS_ENDPOINT"

	envHuaweiAccessKey     = "HW_ACCESS_KEY"
	envHuaweiSecretKey     = "HW_SECRET_KEY"
	envHuaweiSecurityToken = "HW_SECURITY_TOKEN"
	envHuaweiRegion        = "HW_REGION_NAME"
	envHuaweiProjectID     = "HW_PROJECT_ID"
	envHuaweiEndpoint      = "HW_HSS_ENDPOINT"
)

var (
	_ provider.Provider              = (*cwppProvider)(nil)
	_ provider.ProviderWithFunctions = (*cwppProvider)(nil)
)

// New returns a constructor of the provider at a version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &cwppProvider{version: version} }
}

type cwppProvider struct {
	version string
}

type providerModel struct {
	TencentCloud *tencentCloudModel `tfsdk:"tencentcloud"`
	HuaweiCloud  *huaweiCloudModel  `tfsdk:"huaweicloud"`
}

type tencentCloudModel struct {
	SecretID          types.String `tfsdk:"secret_id"`
	SecretKey         types.String `tfsdk:"secret_key"`
	SecurityToken     types.String `tfsdk:"security_token"`
	Region            types.String `tfsdk:"region"`
	Endpoint          types.String `tfsdk:"endpoint"`
	RequestsPerSecond types.Int64  `tfsdk:"requests_per_second"`
	TimeZone          types.String `tfsdk:"time_zone"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`

	AssumeRole *tencentAssumeRoleModel `tfsdk:"assume_role"`
}

type huaweiCloudModel struct {
	AccessKey         types.String `tfsdk:"access_key"`
	SecretKey         types.String `tfsdk:"secret_key"`
	SecurityToken     types.String `tfsdk:"security_token"`
	Region            types.String `tfsdk:"region"`
	ProjectID         types.String `tfsdk:"project_id"`
	Endpoint          types.String `tfsdk:"endpoint"`
	RequestsPerSecond types.Int64  `tfsdk:"requests_per_second"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`

	AssumeRole *huaweiAssumeRoleModel `tfsdk:"assume_role"`
}

func (p *cwppProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "cwpp"
	resp.Version = p.version
}

func (p *cwppProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	endpoint := []validator.String{httpURL{}}
	rps := []validator.Int64{int64validator.AtLeast(1)}
	retries := []validator.Int64{int64validator.AtLeast(0)}
	resp.Schema = schema.Schema{
		Description: "Reads runtime security events from Tencent Cloud TCSS and Huawei Cloud HSS. Configure the cloud " +
			"whose data sources you use; each setting falls back to the environment variable named in its description.",
		// Blocks, not object-valued attributes: Terraform drops a misspelled key
		// inside an object value without a word (terraform#33570); a block rejects it.
		Blocks: map[string]schema.Block{
			"tencentcloud": schema.SingleNestedBlock{
				Description: "Tencent Cloud credentials and limits, needed by the `cwpp_tcss_*` data sources. " +
					"Without the block, Tencent Cloud is configured from the environment when `" + envTencentSecretID +
					"` or `" + envTencentSecretKey + "` is set; an empty block reads every setting from the environment.",
				Attributes: map[string]schema.Attribute{
					"secret_id": schema.StringAttribute{
						Optional: true, Validators: nonEmpty,
						Description: "Secret id. Environment variable: `" + envTencentSecretID + "`.",
					},
					"secret_key": schema.StringAttribute{
						Optional: true, Sensitive: true, Validators: nonEmpty,
						Description: "Secret key. Environment variable: `" + envTencentSecretKey + "`.",
					},
					"security_token": schema.StringAttribute{
						Optional: true, Sensitive: true,
						Description: "Security token of temporary credentials. Environment variable: `" + envTencentSecurityToken + "`.",
					},
					"region": schema.StringAttribute{
						Optional: true, Validators: nonEmpty,
						Description: "Region. Environment variable: `" + envTencentRegion + "` (default: `" + tencentcloud.DefaultRegion + "`).",
					},
					"time_zone": schema.StringAttribute{
						Optional: true, Validators: []validator.String{timeZoneValidator{}},
						Description: "The zone of TCSS's times, which the API sends without one (`YYYY-MM-DD hh:mm:ss`): an IANA " +
							"name such as `Asia/Shanghai` or `UTC`. It makes the `*_rfc3339` companions and reads `last_days`, " +
							"`begin_time` and `end_time`. Environment variable: `" + envTencentTimeZone + "` (default: `" +
							defaultTencentTimeZone + "`, China Standard Time, as the TCSS console shows them).",
					},
					"endpoint": schema.StringAttribute{
						Optional: true, Validators: endpoint,
						Description: "Full URL of the TCSS API; `http` is allowed. Environment variable: `" + envTencentEndpoint +
							"` (default: `" + tencentcloud.DefaultEndpoint + "`).",
					},
					"requests_per_second": schema.Int64Attribute{
						Optional: true, Validators: rps,
						Description: fmt.Sprintf("Ceiling of the client-side request rate shared by every read of this provider. "+
							"The rate falls when TCSS throttles (other runs spend the account's quota too) and climbs back while it does not "+
							"(default: %d, the API's quota).",
							tencentcloud.DefaultRequestsPerSecond),
					},
					"max_retries": schema.Int64Attribute{
						Optional: true, Validators: retries,
						Description: fmt.Sprintf("Retries of a request after throttling or a transient fault (default: %d). A throttled answer is not counted while the cloud accepts the provider's other requests (a quota shared with other runs), up to %d times this many.", tencentcloud.DefaultMaxRetries, retry.SharedQuotaRetries),
					},
				},
				Blocks: map[string]schema.Block{"assume_role": tencentAssumeRoleBlock()},
			},
			"huaweicloud": schema.SingleNestedBlock{
				Description: "Huawei Cloud credentials and limits, needed by the `cwpp_hss_*` data sources. " +
					"Without the block, Huawei Cloud is configured from the environment when `" + envHuaweiAccessKey +
					"` or `" + envHuaweiSecretKey + "` is set; an empty block reads every setting from the environment.",
				Attributes: map[string]schema.Attribute{
					"access_key": schema.StringAttribute{
						Optional: true, Validators: nonEmpty,
						Description: "Access key (AK). Environment variable: `" + envHuaweiAccessKey + "`.",
					},
					"secret_key": schema.StringAttribute{
						Optional: true, Sensitive: true, Validators: nonEmpty,
						Description: "Secret key (SK). Environment variable: `" + envHuaweiSecretKey + "`.",
					},
					"security_token": schema.StringAttribute{
						Optional: true, Sensitive: true,
						Description: "Security token of temporary credentials. Environment variable: `" + envHuaweiSecurityToken + "`.",
					},
					"region": schema.StringAttribute{
						Optional: true, Validators: nonEmpty,
						Description: "Region, such as `cn-north-4`. Environment variable: `" + envHuaweiRegion +
							"`. Required unless `endpoint` is set.",
					},
					"project_id": schema.StringAttribute{
						Optional: true, Validators: nonEmpty,
						Description: "Project id; required, as the provider makes no IAM look-up. Environment variable: `" + envHuaweiProjectID + "`.",
					},
					"endpoint": schema.StringAttribute{
						Optional: true, Validators: endpoint,
						Description: "Full URL of the HSS API; `http` is allowed. Environment variable: `" + envHuaweiEndpoint +
							"` (default: `https://hss.<region>.myhuaweicloud.com`).",
					},
					"requests_per_second": schema.Int64Attribute{
						Optional: true, Validators: rps,
						Description: fmt.Sprintf("Ceiling of the client-side request rate shared by every read of this provider. "+
							"The rate falls when HSS throttles (other runs spend the account's quota too) and climbs back while it does not "+
							"(default: %d).",
							huaweicloud.DefaultRequestsPerSecond),
					},
					"max_retries": schema.Int64Attribute{
						Optional: true, Validators: retries,
						Description: fmt.Sprintf("Retries of a request after throttling or a transient fault (default: %d). A throttled answer is not counted while the cloud accepts the provider's other requests (a quota shared with other runs), up to %d times this many.", huaweicloud.DefaultMaxRetries, retry.SharedQuotaRetries),
					},
				},
				Blocks: map[string]schema.Block{"assume_role": huaweiAssumeRoleBlock()},
			},
		},
	}
}

func (p *cwppProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{}
	data.tencent = configureTencent(ctx, config.TencentCloud, data, resp)
	data.huawei = configureHuawei(ctx, config.HuaweiCloud, data, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	logging.Debug(ctx, "configured cwpp provider", map[string]any{
		"tencentcloud": data.tencent != nil, "huaweicloud": data.huawei != nil,
	})
	resp.DataSourceData = data
}

// stringSetting resolves one setting: the configuration wins, then the
// environment variable env.
func stringSetting(v types.String, env string, at path.Path, resp *provider.ConfigureResponse) string {
	switch {
	case v.IsUnknown():
		resp.Diagnostics.AddAttributeError(at, "Unknown "+at.String(),
			"The provider cannot be configured with a value known only after apply. Set it statically or use the "+
				env+" environment variable.")
		return ""
	case !v.IsNull():
		return v.ValueString()
	}
	return os.Getenv(env)
}

// int64Setting resolves a number that only the configuration sets.
func int64Setting(v types.Int64, def int64, at path.Path, resp *provider.ConfigureResponse) int64 {
	if v.IsUnknown() {
		resp.Diagnostics.AddAttributeError(at, "Unknown "+at.String(),
			"The provider cannot be configured with a value known only after apply.")
	}
	if v.IsNull() || v.IsUnknown() {
		return def
	}
	return v.ValueInt64()
}

// requireSetting reports a required setting that neither the configuration nor the environment gave.
func requireSetting(value string, at path.Path, env, what string, resp *provider.ConfigureResponse) {
	if value != "" {
		return
	}
	resp.Diagnostics.AddAttributeError(at, "Missing "+at.String(),
		fmt.Sprintf("The %s is required. Set %s in the provider block or the %s environment variable.", what, at, env))
}

// defaultTencentTimeZone is China Standard Time, the zone the TCSS console shows.
const defaultTencentTimeZone = "Asia/Shanghai"

// timeZoneValidator accepts IANA zone names; the zone database is embedded
// (time/tzdata), so names work on machines without one.
type timeZoneValidator struct{}

func (timeZoneValidator) Description(context.Context) string { return "an IANA time zone name" }

func (v timeZoneValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (timeZoneValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if name := req.ConfigValue.ValueString(); name == "" || name == "Local" || loadErr(name) != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(),
			fmt.Sprintf("%s must be an IANA time zone name such as Asia/Shanghai or UTC; got %q.", req.Path, req.ConfigValue.ValueString()))
	}
}

func loadErr(name string) error {
	_, err := time.LoadLocation(name)
	return err
}

// incompleteFromEnvironment says which of a cloud's required variables are
// missing when only the environment configures it, or "" when none is.
// values maps each variable, in order, to what it resolved to.
func incompleteFromEnvironment(cloud, block string, values map[string]string, order []string) string {
	var set, missing []string
	for _, env := range order {
		if values[env] == "" {
			missing = append(missing, env)
		} else {
			set = append(set, env)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	isAre := func(names []string) string {
		if len(names) == 1 {
			return "is"
		}
		return "are"
	}
	return fmt.Sprintf("%s is configured from the environment alone (the provider configuration has no %s block): "+
		"%s %s set, but %s %s not. Export %s, or configure a %s block in the provider.",
		cloud, block, strings.Join(set, " and "), isAre(set), strings.Join(missing, " and "), isAre(missing),
		strings.Join(missing, " and "), block)
}

// configureTencent returns nil when Tencent Cloud is not configured at all:
// no block and no credentials in the environment.
func configureTencent(ctx context.Context, m *tencentCloudModel, data *providerData, resp *provider.ConfigureResponse) tencentcloud.API {
	const block = "tencentcloud"
	at := func(name string) path.Path { return path.Root(block).AtName(name) }
	fromEnvironment := m == nil
	if fromEnvironment {
		if os.Getenv(envTencentSecretID) == "" && os.Getenv(envTencentSecretKey) == "" {
			return nil
		}
		m = &tencentCloudModel{}
	}
	cfg := tencentcloud.Config{
		SecretID:          stringSetting(m.SecretID, envTencentSecretID, at("secret_id"), resp),
		SecretKey:         stringSetting(m.SecretKey, envTencentSecretKey, at("secret_key"), resp),
		SecurityToken:     stringSetting(m.SecurityToken, envTencentSecurityToken, at("security_token"), resp),
		Region:            cmp.Or(stringSetting(m.Region, envTencentRegion, at("region"), resp), tencentcloud.DefaultRegion),
		Endpoint:          cmp.Or(stringSetting(m.Endpoint, envTencentEndpoint, at("endpoint"), resp), tencentcloud.DefaultEndpoint),
		RequestsPerSecond: float64(int64Setting(m.RequestsPerSecond, tencentcloud.DefaultRequestsPerSecond, at("requests_per_second"), resp)),
		MaxRetries:        int(int64Setting(m.MaxRetries, tencentcloud.DefaultMaxRetries, at("max_retries"), resp)),
		AssumeRole:        tencentAssumeRole(ctx, m.AssumeRole, resp),
	}
	if fromEnvironment {
		// With no block there is no line to point at: the TCSS data sources report it.
		data.tencentIncomplete = incompleteFromEnvironment("Tencent Cloud", block, map[string]string{
			envTencentSecretID: cfg.SecretID, envTencentSecretKey: cfg.SecretKey,
		}, []string{envTencentSecretID, envTencentSecretKey})
		if data.tencentIncomplete != "" {
			return nil
		}
	}
	requireSetting(cfg.SecretID, at("secret_id"), envTencentSecretID, "Tencent Cloud secret id", resp)
	requireSetting(cfg.SecretKey, at("secret_key"), envTencentSecretKey, "Tencent Cloud secret key", resp)
	zoneName := cmp.Or(stringSetting(m.TimeZone, envTencentTimeZone, at("time_zone"), resp), defaultTencentTimeZone)
	zone, err := time.LoadLocation(zoneName)
	if err != nil || zoneName == "Local" {
		resp.Diagnostics.AddAttributeError(at("time_zone"), "Invalid tencentcloud.time_zone",
			fmt.Sprintf("%q (from tencentcloud.time_zone or %s) is not an IANA time zone name such as Asia/Shanghai or UTC.", zoneName, envTencentTimeZone))
	}
	data.tencentZone = zone
	data.addSecrets(cfg.SecretKey, cfg.SecurityToken)
	if resp.Diagnostics.HasError() {
		return nil
	}
	client, err := tencentcloud.NewClient(cfg)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(block).AtName("endpoint"), "Invalid tencentcloud.endpoint", err.Error())
		return nil
	}
	// A wrong role fails here, once, before any TCSS request.
	if err := client.CheckCredentials(data.logContext(ctx)); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(block).AtName("assume_role"), "Cannot assume tencentcloud.assume_role",
			assumeFailureDetail(err))
		return nil
	}
	return client
}

// configureHuawei returns nil when Huawei Cloud is not configured at all.
func configureHuawei(ctx context.Context, m *huaweiCloudModel, data *providerData, resp *provider.ConfigureResponse) *huaweicloud.Client {
	const block = "huaweicloud"
	at := func(name string) path.Path { return path.Root(block).AtName(name) }
	fromEnvironment := m == nil
	if fromEnvironment {
		if os.Getenv(envHuaweiAccessKey) == "" && os.Getenv(envHuaweiSecretKey) == "" {
			return nil
		}
		m = &huaweiCloudModel{}
	}
	cfg := huaweicloud.Config{
		AccessKey:         stringSetting(m.AccessKey, envHuaweiAccessKey, at("access_key"), resp),
		SecretKey:         stringSetting(m.SecretKey, envHuaweiSecretKey, at("secret_key"), resp),
		SecurityToken:     stringSetting(m.SecurityToken, envHuaweiSecurityToken, at("security_token"), resp),
		Region:            stringSetting(m.Region, envHuaweiRegion, at("region"), resp),
		ProjectID:         stringSetting(m.ProjectID, envHuaweiProjectID, at("project_id"), resp),
		Endpoint:          stringSetting(m.Endpoint, envHuaweiEndpoint, at("endpoint"), resp),
		RequestsPerSecond: float64(int64Setting(m.RequestsPerSecond, huaweicloud.DefaultRequestsPerSecond, at("requests_per_second"), resp)),
		MaxRetries:        int(int64Setting(m.MaxRetries, huaweicloud.DefaultMaxRetries, at("max_retries"), resp)),
		AssumeRole:        huaweiAssumeAgency(ctx, m.AssumeRole, resp),
	}
	if fromEnvironment {
		// With no block there is no line to point at: the HSS data sources report it.
		data.huaweiIncomplete = incompleteFromEnvironment("Huawei Cloud", block, map[string]string{
			envHuaweiAccessKey: cfg.AccessKey, envHuaweiSecretKey: cfg.SecretKey, envHuaweiProjectID: cfg.ProjectID,
			envHuaweiRegion + " (or " + envHuaweiEndpoint + ")": cmp.Or(cfg.Region, cfg.Endpoint),
		}, []string{envHuaweiAccessKey, envHuaweiSecretKey, envHuaweiProjectID, envHuaweiRegion + " (or " + envHuaweiEndpoint + ")"})
		if data.huaweiIncomplete != "" {
			return nil
		}
	}
	requireSetting(cfg.AccessKey, at("access_key"), envHuaweiAccessKey, "Huawei Cloud access key", resp)
	requireSetting(cfg.SecretKey, at("secret_key"), envHuaweiSecretKey, "Huawei Cloud secret key", resp)
	requireSetting(cfg.ProjectID, at("project_id"), envHuaweiProjectID, "Huawei Cloud project id", resp)
	// The region only derives the default endpoint.
	requireSetting(cmp.Or(cfg.Region, cfg.Endpoint), at("region"), envHuaweiRegion, "Huawei Cloud region (or an endpoint)", resp)
	data.addSecrets(cfg.SecretKey, cfg.SecurityToken)
	if resp.Diagnostics.HasError() {
		return nil
	}
	client, err := huaweicloud.NewClient(cfg)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(block).AtName("endpoint"), "Invalid huaweicloud.endpoint", err.Error())
		return nil
	}
	// A wrong agency fails here, once, before any HSS request.
	if err := client.CheckCredentials(data.logContext(ctx)); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(block).AtName("assume_role"), "Cannot assume huaweicloud.assume_role",
			assumeFailureDetail(err))
		return nil
	}
	return client
}

func (p *cwppProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewTCSSAbnormalProcessDataSource,
		NewHSSAppWhitelistEventsDataSource,
		NewProcessEventsDataSource,
		NewOCSFFindingsDataSource,
		NewTCSSAbnormalProcessesDataSource,
	}
}

func (p *cwppProvider) Resources(_ context.Context) []func() resource.Resource { return nil }

func (p *cwppProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{NewParseProcessTreeFunction}
}

// httpURL validates an endpoint: an absolute http or https URL with a host.
type httpURL struct{}

func (httpURL) Description(context.Context) string {
	return "value must be an absolute http or https URL"
}

func (v httpURL) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v httpURL) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := transport.ParseEndpoint(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint URL", fmt.Sprintf("%s: %s.", req.Path, err))
	}
}
