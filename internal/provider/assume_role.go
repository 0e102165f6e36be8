package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// Environment variables of the assume_role blocks: the vendors' names, and
// one endpoint variable each of the provider's own.
const (
	envTencentRoleArn         = "TENCENTCLOUD_ASSUME_ROLE_ARN"
	envTencentSessionName     = "TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME"
	envTencentSessionDuration = "TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION"
	envTencentExternalID      = "TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID"
	envTencentSTSEndpoint     = "TENCENTCLOUD_ASSUME_ROLE_ENDPOINT"

	envHuaweiAgencyName  = "HW_ASSUME_ROLE_AGENCY_NAME"
	envHuaweiDomainName  = "HW_ASSUME_ROLE_DOMAIN_NAME"
	envHuaweiDomainID    = "HW_ASSUME_ROLE_DOMAIN_ID"
	envHuaweiDuration    = "HW_ASSUME_ROLE_DURATION"
	envHuaweiIAMEndpoint = "HW_ASSUME_ROLE_ENDPOINT"
)

// Limits of the assume calls, as the vendors document them.
const (
	minSessionDuration, maxSessionDuration = 1, 43200
	minAgencyDuration, maxAgencyDuration   = 900, 86400
)

// The rules of the settings that the environment can also give: the schema
// checks configured values with them, Configure the environment's.
var (
	roleSessionName      = regexp.MustCompile(`^[\w+=,.@-]*$`)
	nonEmptyRules        = []validator.String{stringvalidator.LengthAtLeast(1)}
	endpointRules        = []validator.String{httpURL{}}
	externalIDRules      = []validator.String{stringvalidator.LengthBetween(2, 128)}
	sessionDurationRules = []validator.Int64{int64validator.Between(minSessionDuration, maxSessionDuration)}
	agencyDurationRules  = []validator.Int64{int64validator.Between(minAgencyDuration, maxAgencyDuration)}
	sessionNameRules     = []validator.String{
		stringvalidator.LengthBetween(2, 128),
		stringvalidator.RegexMatches(roleSessionName, "must hold only letters, digits and +=,.@_-"),
	}
)

type tencentAssumeRoleModel struct {
	RoleArn         types.String `tfsdk:"role_arn"`
	SessionName     types.String `tfsdk:"session_name"`
	SessionDuration types.Int64  `tfsdk:"session_duration"`
	ExternalID      types.String `tfsdk:"external_id"`
	Policy          types.String `tfsdk:"policy"`
	Endpoint        types.String `tfsdk:"endpoint"`
}

type huaweiAssumeRoleModel struct {
	AgencyName types.String `tfsdk:"agency_name"`
	DomainName types.String `tfsdk:"domain_name"`
	DomainID   types.String `tfsdk:"domain_id"`
	Duration   types.Int64  `tfsdk:"duration"`
	Endpoint   types.String `tfsdk:"endpoint"`
}

func tencentAssumeRoleBlock() schema.Block {
	return schema.SingleNestedBlock{
		Description: "Read another account: assume a CAM role there with STS `AssumeRole`, signed with this block's keys. " +
			"Every TCSS request then uses the role's temporary keys, assumed once per provider instance and assumed " +
			"again well before they expire. Without the block, a role is assumed when `" + envTencentRoleArn + "` is set.",
		Attributes: map[string]schema.Attribute{
			"role_arn": schema.StringAttribute{
				Optional: true, Validators: nonEmptyRules,
				Description: "ARN of the role, such as `qcs::cam::uin/100000000001:roleName/reader`. Required. " +
					"Environment variable: `" + envTencentRoleArn + "`.",
			},
			"session_name": schema.StringAttribute{
				Optional: true, Validators: sessionNameRules,
				Description: "Session name, 2 to 128 characters of letters, digits and `+=,.@_-`. Required. " +
					"Environment variable: `" + envTencentSessionName + "`.",
			},
			"session_duration": schema.Int64Attribute{
				Optional: true, Validators: sessionDurationRules,
				Description: fmt.Sprintf("Lifetime of the temporary keys in seconds, %d to %d (default: %d). Environment variable: `%s`.",
					minSessionDuration, maxSessionDuration, tencentcloud.DefaultSessionDuration, envTencentSessionDuration),
			},
			"external_id": schema.StringAttribute{
				Optional: true, Validators: externalIDRules,
				Description: "External id the role's trust policy requires, if any. Environment variable: `" + envTencentExternalID + "`.",
			},
			"policy": schema.StringAttribute{
				Optional: true, Validators: []validator.String{jsonPolicy{}},
				Description: "A policy (JSON) that narrows the role's permissions for this session; the provider URL-encodes it as STS requires.",
			},
			"endpoint": schema.StringAttribute{
				Optional: true, Validators: endpointRules,
				Description: "Full URL of STS; `http` is allowed. Environment variable: `" + envTencentSTSEndpoint +
					"` (default: `" + tencentcloud.DefaultSTSEndpoint + "`).",
			},
		},
	}
}

func huaweiAssumeRoleBlock() schema.Block {
	domainName := path.MatchRelative().AtParent().AtName("domain_name")
	domainID := path.MatchRelative().AtParent().AtName("domain_id")
	return schema.SingleNestedBlock{
		Description: "Read another account: assume an IAM agency there (`CreateTemporaryAccessKeyByAgency`), signed with " +
			"this block's keys. Every HSS request then uses the agency's temporary keys and security token, assumed once per " +
			"provider instance and assumed again well before they expire; `project_id` is then the other account's project. " +
			"Without the block, an agency is assumed when `" + envHuaweiAgencyName + "` is set.",
		Attributes: map[string]schema.Attribute{
			"agency_name": schema.StringAttribute{
				Optional: true, Validators: nonEmptyRules,
				Description: "Name of the agency. Required. Environment variable: `" + envHuaweiAgencyName + "`.",
			},
			"domain_name": schema.StringAttribute{
				Optional: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(domainID),
				},
				Description: "Name of the account (domain) that created the agency. Exactly one of `domain_name` and `domain_id` " +
					"is required. Environment variable: `" + envHuaweiDomainName + "`.",
			},
			"domain_id": schema.StringAttribute{
				Optional: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(domainName),
				},
				Description: "Id of the account (domain) that created the agency. Environment variable: `" + envHuaweiDomainID + "`.",
			},
			"duration": schema.Int64Attribute{
				Optional: true, Validators: agencyDurationRules,
				Description: fmt.Sprintf("Lifetime of the temporary keys in seconds, %d to %d (default: %d). Environment variable: `%s`.",
					minAgencyDuration, maxAgencyDuration, huaweicloud.DefaultAgencyDuration, envHuaweiDuration),
			},
			"endpoint": schema.StringAttribute{
				Optional: true, Validators: endpointRules,
				Description: "Full URL of IAM; `http` is allowed. Environment variable: `" + envHuaweiIAMEndpoint +
					"` (default: `" + huaweicloud.DefaultIAMEndpoint + "`).",
			},
		},
	}
}

// tencentAssumeRole resolves the block and its environment; nil means no role.
func tencentAssumeRole(ctx context.Context, m *tencentAssumeRoleModel, resp *provider.ConfigureResponse) *tencentcloud.AssumeRole {
	const block = "tencentcloud"
	if m == nil {
		if os.Getenv(envTencentRoleArn) == "" {
			return nil
		}
		m = &tencentAssumeRoleModel{}
	}
	at := func(name string) path.Path { return path.Root(block).AtName("assume_role").AtName(name) }
	ar := &tencentcloud.AssumeRole{
		RoleArn:     envChecked(ctx, m.RoleArn, envTencentRoleArn, at("role_arn"), nonEmptyRules, resp),
		SessionName: envChecked(ctx, m.SessionName, envTencentSessionName, at("session_name"), sessionNameRules, resp),
		SessionDuration: durationSetting(ctx, m.SessionDuration, envTencentSessionDuration, at("session_duration"),
			tencentcloud.DefaultSessionDuration, sessionDurationRules, resp),
		ExternalID: envChecked(ctx, m.ExternalID, envTencentExternalID, at("external_id"), externalIDRules, resp),
		Endpoint:   envChecked(ctx, m.Endpoint, envTencentSTSEndpoint, at("endpoint"), endpointRules, resp),
	}
	if !m.Policy.IsNull() && !m.Policy.IsUnknown() {
		ar.Policy = m.Policy.ValueString()
	}
	if ar.Endpoint == "" {
		ar.Endpoint = tencentcloud.DefaultSTSEndpoint
	}
	requireSetting(ar.RoleArn, at("role_arn"), envTencentRoleArn, "ARN of the role to assume", resp)
	requireSetting(ar.SessionName, at("session_name"), envTencentSessionName, "session name of the assumed role", resp)
	return ar
}

// huaweiAssumeAgency resolves the block and its environment; nil means no agency.
func huaweiAssumeAgency(ctx context.Context, m *huaweiAssumeRoleModel, resp *provider.ConfigureResponse) *huaweicloud.AssumeAgency {
	const block = "huaweicloud"
	if m == nil {
		if os.Getenv(envHuaweiAgencyName) == "" {
			return nil
		}
		m = &huaweiAssumeRoleModel{}
	}
	at := func(name string) path.Path { return path.Root(block).AtName("assume_role").AtName(name) }
	a := &huaweicloud.AssumeAgency{
		AgencyName: envChecked(ctx, m.AgencyName, envHuaweiAgencyName, at("agency_name"), nonEmptyRules, resp),
		Duration: durationSetting(ctx, m.Duration, envHuaweiDuration, at("duration"),
			huaweicloud.DefaultAgencyDuration, agencyDurationRules, resp),
		Endpoint: envChecked(ctx, m.Endpoint, envHuaweiIAMEndpoint, at("endpoint"), endpointRules, resp),
	}
	if a.Endpoint == "" {
		a.Endpoint = huaweicloud.DefaultIAMEndpoint
	}
	requireSetting(a.AgencyName, at("agency_name"), envHuaweiAgencyName, "name of the agency to assume", resp)
	// The domain is one setting: a configured name or id wins over both variables.
	if !m.DomainName.IsNull() || !m.DomainID.IsNull() {
		a.DomainName, a.DomainID = m.DomainName.ValueString(), m.DomainID.ValueString()
	} else {
		a.DomainName, a.DomainID = os.Getenv(envHuaweiDomainName), os.Getenv(envHuaweiDomainID)
	}
	switch {
	case a.DomainName != "" && a.DomainID != "":
		resp.Diagnostics.AddAttributeError(at("domain_name"), "Conflicting huaweicloud.assume_role domain",
			"Set one of domain_name and domain_id, not both: both "+envHuaweiDomainName+" and "+envHuaweiDomainID+" are set.")
	case a.DomainName == "" && a.DomainID == "":
		resp.Diagnostics.AddAttributeError(at("domain_name"), "Missing huaweicloud.assume_role domain",
			"Exactly one of huaweicloud.assume_role.domain_name and domain_id is required: the account that created the agency. "+
				"Set it in the block or with "+envHuaweiDomainName+" or "+envHuaweiDomainID+".")
	}
	return a
}

// envChecked is stringSetting that checks a value from the environment with
// the rules the schema checks a configured one with.
func envChecked(ctx context.Context, v types.String, env string, at path.Path, rules []validator.String, resp *provider.ConfigureResponse) string {
	value := stringSetting(v, env, at, resp)
	if v.IsNull() && value != "" {
		var diags diag.Diagnostics
		for _, rule := range rules {
			out := &validator.StringResponse{}
			rule.ValidateString(ctx, validator.StringRequest{Path: at, ConfigValue: types.StringValue(value)}, out)
			diags.Append(out.Diagnostics...)
		}
		appendFromEnv(at, env, diags, resp)
	}
	return value
}

// durationSetting resolves a lifetime in seconds: the configuration, then the
// environment variable, checked here with the schema's rules.
func durationSetting(ctx context.Context, v types.Int64, env string, at path.Path, def int64, rules []validator.Int64, resp *provider.ConfigureResponse) int64 {
	raw := os.Getenv(env)
	if !v.IsNull() || raw == "" {
		return int64Setting(v, def, at, resp)
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	var diags diag.Diagnostics
	for _, rule := range rules {
		if err != nil {
			diags.AddAttributeError(at, "Invalid Attribute Value", fmt.Sprintf("A whole number of seconds: %s.", rule.Description(ctx)))
			continue
		}
		out := &validator.Int64Response{}
		rule.ValidateInt64(ctx, validator.Int64Request{Path: at, ConfigValue: types.Int64Value(n)}, out)
		diags.Append(out.Diagnostics...)
	}
	appendFromEnv(at, env, diags, resp)
	if diags.HasError() {
		return def
	}
	return n
}

// appendFromEnv reports the rules' diagnostics of a value that came from env.
func appendFromEnv(at path.Path, env string, diags diag.Diagnostics, resp *provider.ConfigureResponse) {
	for _, d := range diags {
		resp.Diagnostics.AddAttributeError(at, "Invalid "+env, fmt.Sprintf("%s=%q: %s", env, os.Getenv(env), d.Detail()))
	}
}

// jsonPolicy validates a policy document: a JSON object.
type jsonPolicy struct{}

func (jsonPolicy) Description(_ context.Context) string { return "value must be a JSON object" }

func (v jsonPolicy) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (jsonPolicy) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var policy map[string]any
	if err := json.Unmarshal([]byte(req.ConfigValue.ValueString()), &policy); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid policy", fmt.Sprintf("%s must be a JSON object: %s.", req.Path, err))
	}
}
