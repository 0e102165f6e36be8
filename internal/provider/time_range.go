package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The time range of a list data source: last_days, or begin_time + end_time.
// last_days is a Number, not an Int64: the framework turns 1.5 in an Int64
// attribute into "Value %!s(*big.Float=1.5) is not an integer" before any
// validator runs. begin_time and end_time are Strings checked here rather
// than timetypes.RFC3339, whose error quotes Go's layout and, when it fires,
// adds a false "must be configured together" for its companion.

const maxLastDays = 30

// lastDaysAttribute is last_days; apiLimit says 30 days is the API's limit
// (HSS) rather than the provider's (TCSS, which sends no time filter).
func lastDaysAttribute(description string, apiLimit bool) schema.NumberAttribute {
	return schema.NumberAttribute{Optional: true, Validators: []validator.Number{lastDaysValidator{apiLimit}}, Description: description}
}

func rfc3339Attribute(description string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Validators: []validator.String{rfc3339Validator{}}, Description: description}
}

type lastDaysValidator struct{ apiLimit bool }

func (lastDaysValidator) Description(context.Context) string {
	return fmt.Sprintf("a whole number of days from 1 to %d", maxLastDays)
}

func (v lastDaysValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v lastDaysValidator) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	f := req.ConfigValue.ValueBigFloat()
	days, exact := f.Int64()
	switch {
	case !f.IsInt():
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid last_days",
			fmt.Sprintf("last_days must be a whole number of days from 1 to %d, such as 7; got %s.", maxLastDays, f.Text('g', -1)))
	case f.Sign() <= 0 || exact == 0 && days < 1:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid last_days",
			fmt.Sprintf("last_days must be at least 1: a whole number of days from 1 to %d, such as 7; got %s.", maxLastDays, f.Text('g', -1)))
	case exact != 0 || days > maxLastDays:
		limit := ""
		if v.apiLimit {
			limit = " (the API's limit)"
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid last_days",
			fmt.Sprintf("last_days must be from 1 to %d days%s; got %s. For a longer range, set begin_time "+
				"and end_time instead: they take a range of any length, such as begin_time = \"2026-01-01T00:00:00Z\".",
				maxLastDays, limit, f.Text('g', -1)))
	}
}

type rfc3339Validator struct{}

func (rfc3339Validator) Description(context.Context) string {
	return "an RFC 3339 time such as 2026-11-30T00:00:00Z"
}

func (v rfc3339Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// spaceSeparated is "YYYY-MM-DD hh:mm:ss", how TCSS and many consoles write times.
var spaceSeparated = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(\.\d+)?)$`)

func (rfc3339Validator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueString()
	if _, err := time.Parse(time.RFC3339, v); err == nil {
		return
	}
	name := req.Path.String()
	hint := `: a date, "T", a time and a zone ("Z" for UTC, or an offset such as +08:00)`
	if m := spaceSeparated.FindStringSubmatch(v); m != nil {
		hint = fmt.Sprintf(`: put a "T" between the date and the time and add the zone, such as %q or %q`,
			m[1]+"T"+m[2]+"Z", m[1]+"T"+m[2]+"+08:00")
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+name,
		fmt.Sprintf("%s must be an RFC 3339 time such as 2026-11-30T00:00:00Z; got %q%s.", name, v, hint))
}

// timeRange is a configured range: LastDays, or Begin and End.
type timeRange struct {
	LastDays   *int32
	Begin, End time.Time
}

// set reports whether the configuration names a range at all.
func (r timeRange) set() bool { return r.LastDays != nil || !r.Begin.IsZero() }

// readTimeRange reads the range the validators have checked.
func readTimeRange(lastDays types.Number, begin, end types.String, diags *diag.Diagnostics) timeRange {
	var r timeRange
	if !lastDays.IsNull() {
		days, _ := lastDays.ValueBigFloat().Int64()
		d := int32(days)
		r.LastDays = &d
		return r
	}
	if begin.IsNull() || end.IsNull() {
		return r
	}
	var errB, errE error
	r.Begin, errB = time.Parse(time.RFC3339, begin.ValueString())
	r.End, errE = time.Parse(time.RFC3339, end.ValueString())
	if errB != nil || errE != nil {
		diags.AddError("Invalid time range", "begin_time and end_time must be RFC 3339 times: this is a bug of the provider's validation.")
	}
	return r
}

// timeRangeValidators are the rules of a range: begin_time and end_time
// together, not with last_days; required says one of the two forms must be set.
func timeRangeValidators(required bool) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.RequiredTogether(path.MatchRoot("begin_time"), path.MatchRoot("end_time")),
		timeRangeForms{required: required},
	}
}

// validateTimeOrder checks what the attribute validators cannot: begin before end.
func validateTimeOrder(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	var begin, end types.String
	diags.Append(config.GetAttribute(ctx, path.Root("begin_time"), &begin)...)
	diags.Append(config.GetAttribute(ctx, path.Root("end_time"), &end)...)
	if diags.HasError() || begin.IsNull() || begin.IsUnknown() || end.IsNull() || end.IsUnknown() {
		return
	}
	b, errB := time.Parse(time.RFC3339, begin.ValueString())
	e, errE := time.Parse(time.RFC3339, end.ValueString())
	if errB != nil || errE != nil {
		return // the attributes' validators say what is wrong
	}
	if !b.Before(e) {
		diags.AddAttributeError(path.Root("end_time"), "Invalid time range",
			fmt.Sprintf("end_time (%s) must be after begin_time (%s).", end.ValueString(), begin.ValueString()))
	}
}
