package provider

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/paging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

var (
	_ datasource.DataSourceWithConfigure      = (*tcssAbnormalProcessesDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*tcssAbnormalProcessesDataSource)(nil)
)

// tcssNarrowing names the arguments that make a list read smaller.
const tcssNarrowing = "status, filter blocks (passed to the API's Filters), or rule_levels"

// The API's event statuses (EVENT_INGNORE is its spelling) and rule levels,
// for both TCSS data sources' validators and descriptions.
var (
	tcssStatuses   = []string{"EVENT_UNDEAL", "EVENT_DEALED", "EVENT_INGNORE"}
	tcssRuleLevels = []string{"HIGH", "MIDDLE", "LOW"}
	// tcssStatusWords and tcssRuleLevelWords list them for descriptions.
	tcssStatusWords    = "`EVENT_UNDEAL` (unhandled), `EVENT_DEALED` (handled) or `EVENT_INGNORE` (ignored; the API's spelling)"
	tcssRuleLevelWords = "`HIGH`, `MIDDLE` or `LOW`"
	// tcssOrderBy maps order_by to the API's By.
	tcssOrderBy = map[string]string{"found_time": "FoundTime", "latest_found_time": "LatestFoundTime"}
)

// tcssListConcurrency bounds the requests one list read has in flight; the
// provider's TCSS limiter, shared with the detail reads, bounds how fast they start.
const tcssListConcurrency = 8

// NewTCSSAbnormalProcessesDataSource is the cwpp_tcss_abnormal_processes data source.
func NewTCSSAbnormalProcessesDataSource() datasource.DataSource {
	return &tcssAbnormalProcessesDataSource{}
}

type tcssAbnormalProcessesDataSource struct {
	data *providerData
}

func (d *tcssAbnormalProcessesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tcss_abnormal_processes"
}

func (d *tcssAbnormalProcessesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	s := computedString
	resp.Schema = schema.Schema{
		Description: "The abnormal-process events of a Tencent Cloud TCSS region (DescribeAbnormalProcessEvents), " +
			"every page read, so that their ids can be fed into `cwpp_tcss_abnormal_process` with `for_each`.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				Description: "Region to read from (default: the provider's `tencentcloud.region`).",
			},
			"status": schema.StringAttribute{
				Optional: true, Validators: []validator.String{stringvalidator.OneOf(tcssStatuses...)},
				Description: "Only events of this status, sent to the API as the `Status` filter (exact match): " +
					tcssStatusWords + ".",
			},
			"order_by": schema.StringAttribute{
				Optional: true, Validators: []validator.String{stringvalidator.OneOf("found_time", "latest_found_time")},
				Description: "Sort field, sent to the API as `By`: `found_time` or `latest_found_time` (default: the API's order).",
			},
			"order": schema.StringAttribute{
				Optional: true, Validators: []validator.String{stringvalidator.OneOf("asc", "desc")},
				Description: "`asc` or `desc`, sent to the API as `Order` (default: the API's).",
			},
			"rule_levels": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(tcssRuleLevels...)),
				},
				Description: "Only events whose matched rule has one of these levels: " + tcssRuleLevelWords + ". " +
					"Filtered by the provider; `total_count` is not affected.",
			},
			"max_results": schema.Int64Attribute{
				Optional: true, Validators: []validator.Int64{int64validator.AtLeast(0)},
				Description: "Keep at most this many events, the first in the list's order; a warning says when the list " +
					"was cut (default: all). `0` keeps no events, only `summary`, without a warning.",
			},
			"total_count": schema.Int64Attribute{
				Computed:    true,
				Description: "How many events the API reported for the query, before `rule_levels` and `max_results`.",
			},
			"summary": schema.SingleNestedAttribute{
				Computed: true,
				Description: "Counts over every event that matched: after `rule_levels`, before `max_results`. " +
					"An event without the counted field is left out of that map.",
				Attributes: map[string]schema.Attribute{
					"by_match_rule_level": schema.MapAttribute{
						Computed: true, ElementType: types.Int64Type, Description: "Events per `match_rule_level`.",
					},
					"by_status": schema.MapAttribute{
						Computed: true, ElementType: types.Int64Type, Description: "Events per `status`.",
					},
					"by_cluster_name": schema.MapAttribute{
						Computed: true, ElementType: types.Int64Type, Description: "Events per `cluster_name`.",
					},
				},
			},
			"events": schema.ListNestedAttribute{
				Computed: true, Description: "The events, in the API's order (AbnormalProcessEventInfo).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                              s("Event id: the `event_id` of `cwpp_tcss_abnormal_process`."),
					"process_path":                    s("Process path."),
					"event_type":                      s("Event type."),
					"match_rule_name":                 s("Name of the matched rule."),
					"found_time":                      s("When the event was first found, `YYYY-MM-DD hh:mm:ss`."),
					"container_name":                  s("Container name."),
					"image_name":                      s("Image name."),
					"behavior":                        s("Action taken."),
					"status":                          s(tcssStatusWords + "."),
					"image_id":                        s("Image id."),
					"container_id":                    s("Container id."),
					"solution":                        s("Suggested solution."),
					"description":                     s("Event description."),
					"match_rule_id":                   s("Id of the matched rule."),
					"match_action":                    s("Action of the matched rule."),
					"match_process_path":              s("Process path of the matched rule."),
					"rule_exist":                      schema.BoolAttribute{Computed: true, Description: "Whether the matched rule still exists."},
					"event_count":                     computedInt64("How many times the event occurred."),
					"latest_found_time":               s("When the event was last found."),
					"rule_id":                         s("Rule set id."),
					"match_group_name":                s("Group of the matched rule."),
					"match_rule_level":                s("Level of the matched rule: " + tcssRuleLevelWords + "."),
					"container_net_status":            s("Container network status."),
					"container_net_sub_status":        s("Container network sub-status."),
					"container_isolate_operation_src": s("What isolated the container."),
					"container_status":                s("Container status."),
					"cluster_id":                      s("Cluster id."),
					"node_type":                       s("Node type."),
					"pod_name":                        s("Pod name."),
					"pod_ip":                          s("Pod IP."),
					"node_unique_id":                  s("Node unique id."),
					"public_ip":                       s("Public IP of the node."),
					"node_name":                       s("Node name."),
					"node_id":                         s("Node id."),
					"host_id":                         s("Host id."),
					"host_ip":                         s("Host IP."),
					"cluster_name":                    s("Cluster name."),
					"cmd_line":                        s("Command line."),
				}},
			},
		},
		Blocks: map[string]schema.Block{
			// A block, not a list of objects: Terraform drops a misspelled key
			// inside an object value without a word (terraform#33570).
			"filter": schema.ListNestedBlock{
				Description: "A filter passed to the API's `Filters` as given, for the filter names it accepts beyond `Status` " +
					"(sibling TCSS event APIs document `EventType`, `ContainerStatus`, `ContainerNetStatus` and `TimeRange`). " +
					"Repeat the block for more filters; an event must match all of them.",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{
						Required: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
						Description: "Filter name, such as `EventType`.",
					},
					"values": schema.ListAttribute{
						Required: true, ElementType: types.StringType,
						Validators: []validator.List{
							listvalidator.SizeAtLeast(1),
							listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
						},
						Description: "Values, any of which matches.",
					},
					"exact_match": schema.BoolAttribute{
						Optional:    true,
						Description: "Whether values match exactly rather than as substrings (default: the API's, fuzzy).",
					},
				}},
			},
		},
	}
}

// ValidateConfig refuses a Status filter beside status: one place says it.
// It reads only what it checks, so values known only at apply pass.
func (d *tcssAbnormalProcessesDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var status types.String
	var filters types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("status"), &status)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("filter"), &filters)...)
	if resp.Diagnostics.HasError() || status.IsNull() || filters.IsNull() || filters.IsUnknown() {
		return
	}
	for i, f := range filters.Elements() {
		obj, ok := f.(types.Object)
		if !ok {
			continue
		}
		if name, ok := obj.Attributes()["name"].(types.String); ok && name.ValueString() == "Status" {
			resp.Diagnostics.AddAttributeError(path.Root("filter").AtListIndex(i).AtName("name"), "Status given twice",
				"Set the status argument or a filter named Status, not both.")
		}
	}
}

func (d *tcssAbnormalProcessesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = toProviderData(req, resp)
}

func (d *tcssAbnormalProcessesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model tcssAbnormalProcessesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, region, ctx, ok := d.data.tencentRead(ctx, model.Region, &resp.Diagnostics)
	if !ok {
		return
	}

	page := tcssListRequest(&model)
	list := encodedListFrom(ctx)
	budget := newStateBudget(model.MaxResults)
	wanted := matcher(model.RuleLevels)
	keep := func(total int64, events []tencentcloud.AbnormalProcessEventInfo) ([]tcssKeptEvent, error) {
		models := func(i int) tcssListEventModel { return newTCSSListEventModel(&events[i]) }
		switch {
		case !model.MaxResults.IsNull() && model.MaxResults.ValueInt64() == 0:
			return keepTCSSEvents(events, nil), nil
		case list == nil:
			return keepTCSSEvents(events, keepModels(len(events), models)), nil
		}
		codec, err := tcssListEventCodec()
		if err != nil {
			return nil, err
		}
		elements, err := keepEncoded(codec, len(events), models)
		if err != nil {
			return nil, err
		}
		kept := keepTCSSEvents(events, elements)
		return kept, budget.add(0, total, len(kept), func(i int) (int, bool) { return len(kept[i].encoded), wanted(kept[i].level) })
	}

	started := time.Now()
	reader := paging.NewReader(tencentcloud.MaxEventsLimit, math.MaxInt32, tcssListConcurrency)
	// At TCSS's 20 requests a second, the first page's round trip would leave
	// the limiter idle: request the second page alongside it.
	reader.SpeculateSecondPage = true
	result, err := paging.Read(ctx, reader, tencentcloud.ActionDescribeAbnormalProcessEvents,
		func(ctx context.Context, offset int) (int64, []tcssKeptEvent, error) {
			req := page
			req.Offset = ptrTo(uint64(offset))
			resp, err := client.DescribeAbnormalProcessEvents(ctx, region, req)
			if err != nil {
				return 0, nil, err
			}
			total, ok := uint64Value(resp.TotalCount)
			if !ok {
				return 0, nil, fmt.Errorf("TotalCount %d is out of range", *resp.TotalCount)
			}
			kept, err := keep(total.ValueInt64(), resp.EventSet)
			return total.ValueInt64(), kept, err
		})
	if err != nil {
		if !addStateTooLarge(&resp.Diagnostics, err, tcssNarrowing, "first") {
			resp.Diagnostics.AddError(tencentErrorSummary(tencentcloud.ActionDescribeAbnormalProcessEvents), tencentErrorDetail(err))
		}
		return
	}
	events := paging.Unique(result.Items, func(e *tcssKeptEvent) (string, bool) {
		return derefOr(e.id), e.id != nil
	})
	logging.Info(ctx, "read TCSS abnormal process events", map[string]any{
		"total_count": result.Total, "events": len(events), "requests": reader.Requests(), "elapsed": time.Since(started).String(),
	})

	events = keepMatching(events, model.RuleLevels, func(e *tcssKeptEvent) *string { return e.level })
	model.Summary = summarizeTCSSEvents(events)
	events = cutToMaxResults(events, model.MaxResults, "first", &resp.Diagnostics)
	model.TotalCount = types.Int64Value(result.Total)
	elements := make([]listElement[tcssListEventModel], len(events))
	for i := range events {
		elements[i] = events[i].listElement
	}
	if addStateTooLarge(&resp.Diagnostics, budget.check(len(elements), encodedSize(elements)), tcssNarrowing, "first") {
		return
	}
	resp.Diagnostics.Append(setListState(ctx, &resp.State, list, "events", &model, elements,
		func(m *tcssAbnormalProcessesModel, events []tcssListEventModel) { m.Events = events })...)
}

// tcssListRequest is the request of every page but its offset.
func tcssListRequest(model *tcssAbnormalProcessesModel) tencentcloud.DescribeAbnormalProcessEventsRequest {
	req := tencentcloud.DescribeAbnormalProcessEventsRequest{Limit: ptrTo(uint64(tencentcloud.MaxEventsLimit))}
	if !model.Status.IsNull() {
		req.Filters = append(req.Filters, &tencentcloud.RunTimeFilters{
			Name: ptrTo("Status"), Values: []*string{model.Status.ValueStringPointer()}, ExactMatch: ptrTo(true),
		})
	}
	for _, f := range model.Filters {
		filter := &tencentcloud.RunTimeFilters{Name: f.Name.ValueStringPointer(), ExactMatch: f.ExactMatch.ValueBoolPointer()}
		for _, v := range f.Values {
			filter.Values = append(filter.Values, v.ValueStringPointer())
		}
		req.Filters = append(req.Filters, filter)
	}
	if !model.OrderBy.IsNull() {
		req.By = ptrTo(tcssOrderBy[model.OrderBy.ValueString()])
	}
	req.Order = model.Order.ValueStringPointer()
	return req
}

func ptrTo[T any](v T) *T { return &v }

func derefOr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
