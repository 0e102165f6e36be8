package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/ocsf"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/processevent"
)

var (
	_ datasource.DataSourceWithConfigure        = (*ocsfFindingsDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*ocsfFindingsDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*ocsfFindingsDataSource)(nil)
)

// The forms of findings.
const (
	formatJSON   = "json"
	formatNDJSON = "ndjson"
)

// NewOCSFFindingsDataSource is the cwpp_ocsf_findings data source.
func NewOCSFFindingsDataSource() datasource.DataSource { return &ocsfFindingsDataSource{} }

// ocsfFindingsDataSource is cwpp_process_events' events as OCSF Detection
// Findings in one string: the same read, another output.
type ocsfFindingsDataSource struct {
	data *providerData
}

type ocsfFindingsModel struct {
	processEventsArgs
	Format       types.String         `tfsdk:"format"`
	Findings     types.String         `tfsdk:"findings"`
	MatchedCount types.Int64          `tfsdk:"matched_count"`
	Summary      *processSummaryModel `tfsdk:"summary"`
}

func (d *ocsfFindingsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ocsf_findings"
}

func (d *ocsfFindingsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := processEventArguments()
	attributes["format"] = schema.StringAttribute{
		Optional: true, Validators: []validator.String{stringvalidator.OneOf(formatJSON, formatNDJSON)},
		Description: "How `findings` writes them: `json`, one JSON array, or `ndjson`, one finding per line, each line " +
			"ending in a newline (default: `json`).",
	}
	attributes["findings"] = schema.StringAttribute{
		Computed: true,
		Description: "The findings, newest first, as `format` says: each an OCSF " + ocsf.Version + " Detection Finding " +
			"(class_uid 2004, activity Create, type_uid 200401) that validates against the official schema for the " +
			"profiles it lists (`cloud`, `datetime`). `[]` (json) or the empty string (ndjson) when no event matched. " +
			"Export it with `terraform output -raw`.",
	}
	attributes["matched_count"] = schema.Int64Attribute{
		Computed:    true,
		Description: "How many events matched, before `max_results`: the events `summary` counts.",
	}
	attributes["summary"] = processSummaryAttribute()
	resp.Schema = schema.Schema{
		Description: "The events of `cwpp_process_events` (same arguments, same readers) as OCSF (Open Cybersecurity " +
			"Schema Framework) " + ocsf.Version + " Detection Findings in one string, for a SIEM, a data lake or a " +
			"policy engine: TCSS abnormal-process events and HSS application-whitelist events in the schema that " +
			"Prowler, Security Lake and others emit. One string costs Terraform little per event, where a list of " +
			"objects costs it per attribute: the form for exporting every finding. The mapping of each cloud's " +
			"fields is in the tables of this page.",
		Attributes: attributes,
	}
}

func (d *ocsfFindingsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return timeRangeValidators(true)
}

// ValidateConfig checks begin before end.
func (d *ocsfFindingsDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	validateTimeOrder(ctx, req.Config, &resp.Diagnostics)
}

func (d *ocsfFindingsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = toProviderData(req, resp)
}

func (d *ocsfFindingsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model ocsfFindingsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Each event is encoded as its page arrives: the read keeps the
	// finding's JSON where cwpp_process_events keeps its element's msgpack.
	read := readProcessEvents(ctx, d.data, &model.processEventsArgs, func(events []processevent.Event, kept []processKeptEvent) error {
		for i := range events {
			finding, err := ocsf.Encode(&events[i])
			if err != nil {
				return err
			}
			kept[i].encoded = finding
		}
		return nil
	}, &resp.Diagnostics)
	if read == nil {
		return
	}
	ndjson := model.Format.ValueString() == formatNDJSON
	size := 2
	for i := range read.events {
		size += len(read.events[i].encoded) + 1
	}
	if addStateTooLarge(&resp.Diagnostics, read.budget.check(len(read.events), int64(size)), processNarrowing, "newest") {
		return
	}
	var findings strings.Builder // its String() does not copy: the state's string is the one copy
	findings.Grow(size)
	if !ndjson {
		findings.WriteByte('[')
	}
	for i := range read.events {
		switch {
		case ndjson:
			findings.Write(read.events[i].encoded)
			findings.WriteByte('\n')
		case i > 0:
			findings.WriteByte(',')
			fallthrough
		default:
			findings.Write(read.events[i].encoded)
		}
		read.events[i].encoded = nil // the string holds it now
	}
	if !ndjson {
		findings.WriteByte(']')
	}
	model.Findings = types.StringValue(findings.String())
	model.MatchedCount = types.Int64Value(int64(read.matched))
	model.Summary = read.summary
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
