package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	tfpath "github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
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
	Format         types.String         `tfsdk:"format"`
	OutputPath     types.String         `tfsdk:"output_path"`
	Findings       types.String         `tfsdk:"findings"`
	FindingsSHA256 types.String         `tfsdk:"findings_sha256"`
	MatchedCount   types.Int64          `tfsdk:"matched_count"`
	Summary        *processSummaryModel `tfsdk:"summary"`
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
	attributes["output_path"] = schema.StringAttribute{
		Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		Description: "Write the findings to this file (created or replaced whole, mode 0600) instead of `findings`, " +
			"which is then null: Terraform then holds none of them, where it holds about ten times a string's size " +
			"while it plans. Relative to Terraform's working directory; `\"${path.module}/findings.ndjson\"` is the " +
			"usual form. The directory must exist. Written at every read, as `archive_file` writes its `output_path`.",
	}
	attributes["findings_sha256"] = schema.StringAttribute{
		Computed:    true,
		Description: "The SHA-256 of the findings, hex: of `findings`, or of the file `output_path` names.",
	}
	attributes["findings"] = schema.StringAttribute{
		Computed: true,
		Description: "The findings, newest first, as `format` says: each an OCSF " + ocsf.Version + " Detection Finding " +
			"(class_uid 2004, activity Create, type_uid 200401) that validates against the official schema for the " +
			"profiles it lists (`cloud`, `datetime`). `[]` (json) or the empty string (ndjson) when no event matched. " +
			"Export it with `terraform output -raw`, or have the provider write it with `output_path`. Null with `output_path`.",
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
			"Prowler, Security Lake and others emit. Each finding carries every field the cloud sent; Terraform plans " +
			"the string in about a third of the time of `cwpp_process_events`' list, and with `output_path` the " +
			"findings go to a file and stay out of state, the form for exporting many. The mapping of each cloud's " +
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
	size := 2
	for i := range read.events {
		size += len(read.events[i].encoded) + 1
	}
	if addStateTooLarge(&resp.Diagnostics, read.budget.check(len(read.events), int64(size)), processNarrowing, "newest") {
		return
	}
	all, sum := joinFindings(read.events, size, model.Format.ValueString() == formatNDJSON)
	model.FindingsSHA256 = types.StringValue(hex.EncodeToString(sum[:]))
	model.Findings = types.StringValue(all)
	if !model.OutputPath.IsNull() {
		path := model.OutputPath.ValueString()
		if err := writeFileWhole(path, all); err != nil {
			resp.Diagnostics.AddAttributeError(tfpath.Root("output_path"), "Writing the findings failed",
				fmt.Sprintf("The %d findings could not be written to %q: %v", len(read.events), path, err))
			return
		}
		logging.Info(ctx, "wrote the findings", map[string]any{"path": path, "bytes": len(all), "findings": len(read.events)})
		model.Findings = types.StringNull()
	}
	model.MatchedCount = types.Int64Value(int64(read.matched))
	model.Summary = read.summary
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// joinFindings writes the events' findings as format says, and their
// SHA-256, in one pass: the string is the one copy (a Builder's String()
// does not copy), each finding released as it is written.
func joinFindings(events []processKeptEvent, size int, ndjson bool) (string, []byte) {
	var findings strings.Builder
	findings.Grow(size)
	hash := sha256.New()
	write := func(b ...byte) {
		findings.Write(b)
		hash.Write(b)
	}
	if !ndjson {
		write('[')
	}
	for i := range events {
		if i > 0 && !ndjson {
			write(',')
		}
		write(events[i].encoded...)
		if ndjson {
			write('\n')
		}
		events[i].encoded = nil
	}
	if !ndjson {
		write(']')
	}
	return findings.String(), hash.Sum(nil)
}

// writeFileWhole replaces the file at path with data, or leaves it as it
// was: a temporary file beside it, renamed over it. Mode 0600: findings are
// security data.
func writeFileWhole(path, data string) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.WriteString(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
