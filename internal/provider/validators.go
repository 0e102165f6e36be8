package provider

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// maxResultsAttribute is max_results: a Number, not an Int64, for the
// reason last_days is one (time_range.go): the framework answers 1e30 in an
// Int64 attribute with "%!s(*big.Float=1e+30)" before any validator runs.
func maxResultsAttribute(description string) schema.NumberAttribute {
	return schema.NumberAttribute{Optional: true, Validators: []validator.Number{maxResultsValidator{}}, Description: description}
}

type maxResultsValidator struct{}

func (maxResultsValidator) Description(context.Context) string {
	return fmt.Sprintf("a whole number from 0 to %d", int64(math.MaxInt64))
}

func (v maxResultsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (maxResultsValidator) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	f := req.ConfigValue.ValueBigFloat()
	n, accuracy := f.Int64()
	if !f.IsInt() || accuracy != big.Exact || n < 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid max_results",
			fmt.Sprintf("max_results must be a whole number from 0 to %d, such as 1000 (0 keeps only summary); got %s.",
				int64(math.MaxInt64), f.Text('g', -1)))
	}
}

// maxResultsOf is a validated max_results as the reads use it.
func maxResultsOf(n types.Number) types.Int64 {
	if n.IsNull() || n.IsUnknown() {
		return types.Int64Null()
	}
	v, _ := n.ValueBigFloat().Int64()
	return types.Int64Value(v)
}

// trimmedValidator refuses a value with spaces around it: an id pasted with
// a space would be sent as is and reported as not found.
type trimmedValidator struct{}

func (trimmedValidator) Description(context.Context) string { return "no spaces around the value" }

func (v trimmedValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (trimmedValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if v := req.ConfigValue.ValueString(); strings.TrimSpace(v) != v {
		name := req.Path.String()
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+name,
			fmt.Sprintf("%s has spaces around it: got %q; use %q.", name, v, strings.TrimSpace(v)))
	}
}

// timeRangeForms checks that a configuration names one time range, in one
// of its two forms, with one message that names both: the framework's
// Conflicting and ExactlyOneOf give two generic errors for last_days beside
// begin_time and end_time.
type timeRangeForms struct{ required bool }

var _ datasource.ConfigValidator = timeRangeForms{}

func (timeRangeForms) Description(context.Context) string {
	return "last_days, or begin_time and end_time, not both"
}

func (v timeRangeForms) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v timeRangeForms) ValidateDataSource(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var lastDays types.Number
	var begin, end types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("last_days"), &lastDays)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("begin_time"), &begin)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("end_time"), &end)...)
	if resp.Diagnostics.HasError() {
		return
	}
	const forms = "A time range is either last_days (such as last_days = 7, the last 7 days) or begin_time and end_time " +
		"(RFC 3339 times, a range of any length)"
	switch {
	case !lastDays.IsNull() && (!begin.IsNull() || !end.IsNull()):
		resp.Diagnostics.AddAttributeError(path.Root("last_days"), "Two time ranges",
			forms+", not both: remove last_days, or begin_time and end_time.")
	case v.required && lastDays.IsNull() && begin.IsNull() && end.IsNull():
		resp.Diagnostics.AddError("Missing time range", forms+": set one of them.")
	}
}
