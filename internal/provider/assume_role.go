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

var roleSessionName = regexp.MustCompile(`^[\w+=,.@-]*$`)

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
				Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				Description: "ARN of the role, such as `qcs::cam::uin/100000000001:roleName/reader`. Required. " +
					"Environment variable: `" + envTencentRoleArn + "`.",
			},
			"session_name": schema.StringAttribute{
				Optional: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(2, 128),
					stringvalidator.RegexMatches(roleSessionName, "must hold only letters, digits and +=,.@_-"),
				},
				Description: "Session name, 2 to 128 characters of letters, digits and `+=,.@_-`. Required. " +
					"Environment variable: `" + envTencentSessionName + "`.",
			},
			"session_duration": schema.Int64Attribute{
				Optional: true, Validators: []validator.Int64{int64validator.Between(minSessionDuration, maxSessionDuration)},
				Description: fmt.Sprintf("Lifetime of the temporary keys in seconds, %d to %d (default: %d). Environment variable: `%s`.",
					minSessionDuration, maxSessionDuration, tencentcloud.DefaultSessionDuration, envTencentSessionDuration),
			},
			"external_id": schema.StringAttribute{
				Optional: true, Validators: []validator.String{stringvalidator.LengthBetween(2, 128)},
				Description: "External id the role's trust policy requires, if any. Environment variable: `" + envTencentExternalID + "`.",
			},
			"policy": schema.StringAttribute{
				Optional: true, Validators: []validator.String{jsonPolicy{}},
				Description: "A policy (JSON) that narrows the role's permissions for this session; the provider URL-encodes it as STS requires.",
			},
			"endpoint": schema.StringAttribute{
				Optional: true, Validators: []validator.String{httpURL{}},
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
				Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
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
				Optional: true, Validators: []validator.Int64{int64validator.Between(minAgencyDuration, maxAgencyDuration)},
				Description: fmt.Sprintf("Lifetime of the temporary keys in seconds, %d to %d (default: %d). Environment variable: `%s`.",
					minAgencyDuration, maxAgencyDuration, huaweicloud.DefaultAgencyDuration, envHuaweiDuration),
			},
			"endpoint": schema.StringAttribute{
				Optional: true, Validators: []validator.String{httpURL{}},
				Description: "Full URL of IAM; `http` is allowed. Environment variable: `" + envHuaweiIAMEndpoint +
					"` (default: `" + huaweicloud.DefaultIAMEndpoint + "`).",
			},
		},
	}
}

// tencentAssumeRole resolves the block and its environment; nil means no role.
func tencentAssumeRole(m *tencentAssumeRoleModel, resp *provider.ConfigureResponse) *tencentcloud.AssumeRole {
	const block = "tencentcloud"
	if m == nil {
		if os.Getenv(envTencentRoleArn) == "" {
			return nil
		}
		m = &tencentAssumeRoleModel{}
	}
	at := func(name string) path.Path { return path.Root(block).AtName("assume_role").AtName(name) }
	ar := &tencentcloud.AssumeRole{
		RoleArn:     assumeSetting(m.RoleArn, envTencentRoleArn, at("role_arn"), resp),
		SessionName: assumeSetting(m.SessionName, envTencentSessionName, at("session_name"), resp),
		SessionDuration: durationSetting(m.SessionDuration, envTencentSessionDuration, at("session_duration"),
			tencentcloud.DefaultSessionDuration, minSessionDuration, maxSessionDuration, resp),
		ExternalID: assumeSetting(m.ExternalID, envTencentExternalID, at("external_id"), resp),
		Endpoint:   assumeSetting(m.Endpoint, envTencentSTSEndpoint, at("endpoint"), resp),
	}
	if !m.Policy.IsNull() && !m.Policy.IsUnknown() {
		ar.Policy = m.Policy.ValueString()
	}
	if ar.Endpoint == "" {
		ar.Endpoint = tencentcloud.DefaultSTSEndpoint
	}
	requireAssumeSetting(ar.RoleArn, at("role_arn"), envTencentRoleArn, resp)
	requireAssumeSetting(ar.SessionName, at("session_name"), envTencentSessionName, resp)
	// The environment's values get the checks the schema gives configured ones.
	if ar.SessionName != "" && (len(ar.SessionName) < 2 || len(ar.SessionName) > 128 || !roleSessionName.MatchString(ar.SessionName)) {
		resp.Diagnostics.AddAttributeError(at("session_name"), "Invalid tencentcloud.assume_role.session_name",
			fmt.Sprintf("%q (from %s) must be 2 to 128 characters of letters, digits and +=,.@_-.", ar.SessionName, envTencentSessionName))
	}
	if ar.ExternalID != "" && (len(ar.ExternalID) < 2 || len(ar.ExternalID) > 128) {
		resp.Diagnostics.AddAttributeError(at("external_id"), "Invalid tencentcloud.assume_role.external_id",
			"The external id (from "+envTencentExternalID+") must be 2 to 128 characters.")
	}
	return ar
}

// huaweiAssumeAgency resolves the block and its environment; nil means no agency.
func huaweiAssumeAgency(m *huaweiAssumeRoleModel, resp *provider.ConfigureResponse) *huaweicloud.AssumeAgency {
	const block = "huaweicloud"
	if m == nil {
		if os.Getenv(envHuaweiAgencyName) == "" {
			return nil
		}
		m = &huaweiAssumeRoleModel{}
	}
	at := func(name string) path.Path { return path.Root(block).AtName("assume_role").AtName(name) }
	a := &huaweicloud.AssumeAgency{
		AgencyName: assumeSetting(m.AgencyName, envHuaweiAgencyName, at("agency_name"), resp),
		Duration: durationSetting(m.Duration, envHuaweiDuration, at("duration"),
			huaweicloud.DefaultAgencyDuration, minAgencyDuration, maxAgencyDuration, resp),
		Endpoint: assumeSetting(m.Endpoint, envHuaweiIAMEndpoint, at("endpoint"), resp),
	}
	if a.Endpoint == "" {
		a.Endpoint = huaweicloud.DefaultIAMEndpoint
	}
	requireAssumeSetting(a.AgencyName, at("agency_name"), envHuaweiAgencyName, resp)
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

// assumeSetting is stringSetting for a setting of an assume_role block.
func assumeSetting(v types.String, env string, at path.Path, resp *provider.ConfigureResponse) string {
	switch {
	case v.IsUnknown():
		resp.Diagnostics.AddAttributeError(at, "Unknown "+at.String(),
			"The provider cannot be configured with a value known only after apply. Set it statically or use the "+env+" environment variable.")
		return ""
	case !v.IsNull():
		return v.ValueString()
	}
	return os.Getenv(env)
}

func requireAssumeSetting(value string, at path.Path, env string, resp *provider.ConfigureResponse) {
	if value == "" {
		resp.Diagnostics.AddAttributeError(at, "Missing "+at.String(),
			fmt.Sprintf("%s is required to assume a role. Set it in the provider block or the %s environment variable.", at, env))
	}
}

// durationSetting resolves a lifetime in seconds: the configuration (checked
// by the schema), then the environment variable, checked here.
func durationSetting(v types.Int64, env string, at path.Path, def, lo, hi int64, resp *provider.ConfigureResponse) int64 {
	switch {
	case v.IsUnknown():
		resp.Diagnostics.AddAttributeError(at, "Unknown "+at.String(), "The provider cannot be configured with a value known only after apply.")
		return def
	case !v.IsNull():
		return v.ValueInt64()
	}
	raw := os.Getenv(env)
	if raw == "" {
		return def
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < lo || n > hi {
		resp.Diagnostics.AddAttributeError(at, "Invalid "+env,
			fmt.Sprintf("%s=%q: %s must be a whole number of seconds between %d and %d.", env, raw, at, lo, hi))
		return def
	}
	return n
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
