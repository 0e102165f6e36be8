package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

var (
	_ datasource.DataSourceWithConfigure        = (*tcssAbnormalProcessesDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*tcssAbnormalProcessesDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*tcssAbnormalProcessesDataSource)(nil)
)

// tcssNarrowing names the arguments that make a list read smaller.
const tcssNarrowing = "status, filter blocks (passed to the API's Filters), or rule_levels"

// The API's event statuses (EVENT_INGNORE is its spelling) and rule levels,
// for both TCSS data sources' validators and descriptions.
var (
	tcssStatuses   = tencentcloud.Statuses
	tcssRuleLevels = tencentcloud.RuleLevels
	// tcssStatusWords and tcssRuleLevelWords list them for descriptions.
	tcssStatusWords    = "`EVENT_UNDEAL` (unhandled), `EVENT_DEALED` (handled) or `EVENT_INGNORE` (ignored; the API's spelling)"
	tcssRuleLevelWords = "`HIGH`, `MIDDLE` or `LOW`"
	// tcssOrderBy maps order_by to the API's By.
	tcssOrderBy = map[string]string{"found_time": "FoundTime", "latest_found_time": "LatestFoundTime"}
)

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
					tcssStatusWords + ". Re-checked on what comes back: an event of another status is dropped with a warning.",
			},
			"order_by": schema.StringAttribute{
				Optional: true, Validators: []validator.String{stringvalidator.OneOf("found_time", "latest_found_time")},
				Description: "Sort field, sent to the API as `By`: `found_time` or `latest_found_time` (default: the API's order). " +
					"With a time range the list is read by `time_field`, newest first: another order is an error.",
			},
			"time_field": schema.StringAttribute{
				Optional: true, Validators: []validator.String{stringvalidator.OneOf("found_time", "latest_found_time")},
				Description: "The time a range (`last_days`, `begin_time` + `end_time`) applies to: `found_time`, when the event " +
					"was first found, or `latest_found_time`, when it was last seen again, which keeps an event that keeps " +
					"recurring though it was first found before the range (default: `found_time`). The list is read ordered by " +
					"it (`By`), newest first.",
			},
			"order": schema.StringAttribute{
				Optional: true, Validators: []validator.String{stringvalidator.OneOf("asc", "desc")},
				Description: "`asc` or `desc`, sent to the API as `Order` (default: the API's). With a time range, only `desc`.",
			},
			"last_days": lastDaysAttribute("Only events of the last 1 to 30 days, by `time_field` (default `found_time`) read in "+
				"`tencentcloud.time_zone`. Optional; without `last_days` or `begin_time` + `end_time`, the whole list. With a range "+
				"the list is read newest first and paging stops at the first page that reaches past the range's start; every page's "+
				"order is checked, and if the service does not keep it (or refuses `By`) every page is read instead, with a warning. "+
				"An event whose `time_field` is absent or not of the API's form cannot be placed in a range: it is left out, and a "+
				"warning names it.", false),
			"begin_time": rfc3339Attribute("Only events whose `time_field` is at or after this RFC 3339 time, such as `2026-11-01T00:00:00Z`. " +
				"Requires `end_time`; conflicts with `last_days`. For a range relative to now use `plantimestamp()`, known at " +
				"plan, not `timestamp()`, which defers the read to apply."),
			"end_time": rfc3339Attribute("Only events found at or before this RFC 3339 time, after `begin_time`. Requires `begin_time`."),
			"rule_levels": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(tcssRuleLevels...)),
				},
				Description: "Only events whose matched rule has one of these levels: " + tcssRuleLevelWords + ". " +
					"Filtered by the provider; `total_count` is not affected.",
			},
			"max_results": maxResultsAttribute("Keep at most this many events, the first in the list's order; a warning says when the list " +
				"was cut (default: all). `0` keeps no events, only `summary`, without a warning."),
			"total_count": schema.Int64Attribute{
				Computed: true,
				Description: "How many events the API reported for the query (its `status` and `filter`s): the whole list's count, " +
					"whatever the time range, before `rule_levels` and `max_results`. See `matched_count`. A claim, not a bound: the read " +
					"goes on while pages come back full.",
			},
			"matched_count": schema.Int64Attribute{
				Computed: true,
				Description: "How many events matched: in the time range, if any, and of `rule_levels`, before `max_results`; " +
					"the events `summary` counts.",
			},
			"summary": schema.SingleNestedAttribute{
				Computed: true,
				Description: "Counts over every event that matched: in the time range, after `rule_levels`, before `max_results`. " +
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
					"found_time":                      s("When the event was first found, `YYYY-MM-DD hh:mm:ss`, without a zone."),
					"found_time_rfc3339":              tcssRFC3339Attribute("found_time"),
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
					"latest_found_time_rfc3339":       tcssRFC3339Attribute("latest_found_time"),
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
					"(sibling TCSS event APIs document `EventType`, `ContainerStatus` and `ContainerNetStatus`; for time, use " +
					"`last_days` or `begin_time` + `end_time`). " +
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

func (d *tcssAbnormalProcessesDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return timeRangeValidators(false)
}

// ValidateConfig checks begin before end, an order a time range cannot
// use, and a Status filter beside status. It reads only what it checks, so
// values known only at apply pass.
func (d *tcssAbnormalProcessesDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	validateTimeOrder(ctx, req.Config, &resp.Diagnostics)
	var lastDays types.Number
	var begin, orderBy, order types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("last_days"), &lastDays)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("begin_time"), &begin)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("order_by"), &orderBy)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("order"), &order)...)
	var timeField types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("time_field"), &timeField)...)
	if !lastDays.IsNull() || !begin.IsNull() {
		field := "found_time"
		if !timeField.IsNull() && !timeField.IsUnknown() {
			field = timeField.ValueString()
		}
		why := fmt.Sprintf("With a time range (last_days, or begin_time and end_time) the list is read ordered by its time_field, "+
			"%s, newest first, so that paging stops once it is past the range's start.", field)
		if !orderBy.IsNull() && !orderBy.IsUnknown() && !timeField.IsUnknown() && orderBy.ValueString() != field {
			resp.Diagnostics.AddAttributeError(path.Root("order_by"), "order_by conflicts with the time range",
				fmt.Sprintf("order_by = %q cannot be used with a time range on %s. %s Remove order_by, set time_field = %q, or remove "+
					"the time range.", orderBy.ValueString(), field, why, orderBy.ValueString()))
		}
		if !order.IsNull() && !order.IsUnknown() && order.ValueString() != "desc" {
			resp.Diagnostics.AddAttributeError(path.Root("order"), "order conflicts with the time range",
				fmt.Sprintf("order = %q cannot be used with a time range. %s Remove order, or the time range.", order.ValueString(), why))
		}
	}

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

	r := readTimeRange(model.LastDays, model.BeginTime, model.EndTime, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	q := tencentcloud.ListQuery{Region: region, Request: tcssListRequest(&model), Range: tcssRangeOf(r, time.Now()), Zone: d.data.tencentZone,
		By: tcssOrderBy[model.TimeField.ValueString()]}

	list := encodedListFrom(ctx)
	maxResults := maxResultsOf(model.MaxResults)
	budget := newStateBudget(maxResults)
	wanted := matcher(model.RuleLevels)
	summaryOnly := !maxResults.IsNull() && maxResults.ValueInt64() == 0
	var times *tcssTimes
	newKeep := func() tencentcloud.Keep[tcssKeptEvent] {
		budget.restart(0)
		times = newTCSSTimes(d.data.tencentZone) // counts the bad times of this attempt alone
		attemptTimes := times
		return func(total int64, events []tencentcloud.AbnormalProcessEventInfo) ([]tcssKeptEvent, error) {
			kept := keepTCSSEvents(events)
			if summaryOnly {
				return kept, nil
			}
			models := func(i int) tcssListEventModel { return newTCSSListEventModel(&events[i], attemptTimes) }
			elements, err := keepElements(list, tcssListEventCodec, len(events), models)
			if err != nil {
				return nil, err
			}
			for i := range kept {
				kept[i].listElement = elements[i]
			}
			return kept, budget.add(0, total, len(kept), func(i int) (int, bool) {
				return len(kept[i].encoded), wanted(kept[i].level)
			})
		}
	}
	started := time.Now()
	result, err := tencentcloud.ReadList(ctx, client, q, newKeep)
	if err != nil {
		if !addStateTooLarge(&resp.Diagnostics, err, tcssNarrowing, "first") {
			resp.Diagnostics.AddError(tencentErrorSummary(tencentcloud.ActionDescribeAbnormalProcessEvents), tencentErrorDetail(err))
		}
		return
	}
	addReadWarnings(&resp.Diagnostics, result.Warnings)
	events := result.Items
	logging.Info(ctx, "read TCSS abnormal process events", map[string]any{
		"total_count": result.Total, "events": len(events), "requests": result.Requests, "elapsed": time.Since(started).String(),
		"ranged": q.Range != nil,
	})

	events = keepMatching(events, model.RuleLevels, func(e *tcssKeptEvent) *string { return e.level })
	model.Summary = summarizeTCSSEvents(events)
	model.MatchedCount = types.Int64Value(int64(len(events)))
	events = cutToMaxResults(events, maxResults, "first", &resp.Diagnostics)
	model.TotalCount = types.Int64Value(result.Total)
	times.warn(&resp.Diagnostics)
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

// tcssRangeOf is the range a read's configuration names, last_days counted
// back from now; nil without one.
func tcssRangeOf(r timeRange, now time.Time) *tencentcloud.Range {
	switch {
	case r.LastDays != nil:
		return &tencentcloud.Range{Begin: now.Add(-time.Duration(*r.LastDays) * 24 * time.Hour), End: now}
	case r.set():
		return &tencentcloud.Range{Begin: r.Begin, End: r.End}
	}
	return nil
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
