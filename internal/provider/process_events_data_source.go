package provider

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/ocsf"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/paging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/processevent"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

var (
	_ datasource.DataSourceWithConfigure        = (*processEventsDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*processEventsDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*processEventsDataSource)(nil)
)

// processNarrowing names the arguments that make a read of both clouds smaller.
const processNarrowing = "a shorter range (last_days, or begin_time and end_time), one cloud (clouds), severities or statuses"

// NewProcessEventsDataSource is the cwpp_process_events data source.
func NewProcessEventsDataSource() datasource.DataSource { return &processEventsDataSource{} }

type processEventsDataSource struct {
	data *providerData
}

func (d *processEventsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_process_events"
}

func (d *processEventsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	s, n := computedString, computedInt64
	object := func(description string, attrs map[string]schema.Attribute) schema.SingleNestedAttribute {
		return schema.SingleNestedAttribute{Computed: true, Description: description, Attributes: attrs}
	}
	attributes := processEventArguments()
	attributes["summary"] = processSummaryAttribute()
	attributes["events"] = schema.ListNestedAttribute{
		Computed: true, Description: "The events, newest first.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"cloud":    s("`tencentcloud` or `huaweicloud`."),
			"event_id": s("The cloud's own id: a TCSS one is the `event_id` of `cwpp_tcss_abnormal_process`."),
			"time_rfc3339": schema.StringAttribute{
				Computed: true, CustomType: timetypes.RFC3339Type{},
				Description: "When the event was found (TCSS `FoundTime`, read in `tencentcloud.time_zone`) or occurred (HSS " +
					"`occur_time`, its milliseconds kept).",
			},
			"first_seen_rfc3339": schema.StringAttribute{
				Computed: true, CustomType: timetypes.RFC3339Type{},
				Description: "When the event was first seen: TCSS `FoundTime`, HSS `occur_time`.",
			},
			"last_seen_rfc3339": schema.StringAttribute{
				Computed: true, CustomType: timetypes.RFC3339Type{},
				Description: "When the event was last seen: TCSS `LatestFoundTime` (an event that keeps recurring is seen " +
					"again long after it was first found), HSS `occur_time`.",
			},
			"count": n("How many times the event occurred: TCSS `EventCount`; null for HSS, which does not count."),
			"severity": s("Normalized severity: `critical`, `high`, `medium`, `low`, `informational`; `unknown` when the " +
				"cloud sent none, `other` for a value the mapping does not know (kept in `native_severity`)."),
			"severity_id": n("OCSF severity_id: 5 critical, 4 high, 3 medium, 2 low, 1 informational, 0 unknown, 99 other."),
			"status": s("Normalized status: `new`, `resolved`, `suppressed`; `unknown` when the cloud sent none, `other` " +
				"for a value the mapping does not know (kept in `native_status`)."),
			"status_id":       n("OCSF status_id: 1 new, 3 suppressed, 4 resolved, 0 unknown, 99 other."),
			"title":           s("TCSS `MatchRuleName`, HSS `event_name`."),
			"description":     s("TCSS `Description`; null for HSS."),
			"native_severity": s("The cloud's own value: TCSS `MatchRuleLevel`, HSS `severity`."),
			"native_status":   s("The cloud's own value: TCSS `Status`, HSS `handle_status`."),
			"device": object("The host: TCSS `NodeName`, `HostIP`, `HostID`; HSS `host_name` (or `resource_info.host_name` "+
				"where the event has none), `private_ip` (or `resource_info.host_ip`), `host_id`.", map[string]schema.Attribute{
				"hostname": s("Host name."), "ip": s("Host IP."), "uid": s("Host id."),
			}),
			"container": object("TCSS `ContainerId`, `ContainerName`, `ImageName`; HSS `resource_info.container_id` and "+
				"`resource_info.image_name` (no name). Null when the cloud gives none of them.", map[string]schema.Attribute{
				"uid": s("Container id."), "name": s("Container name."), "image_name": s("Image name."),
			}),
			"process": object("TCSS `ProcessPath` (name is its base name) and `CmdLine`, no pid or user; HSS the first "+
				"`process_info`: `process_name`, `process_path`, `process_pid`, `process_cmdline`, `process_username`.", map[string]schema.Attribute{
				"name": s("Process name."), "path": s("Process path."), "pid": n("Process id."),
				"cmd_line": s("Command line."), "user": s("User running the process."),
			}),
			"parent_process": object("Null for TCSS; HSS the first `process_info`'s `parent_process_name`, "+
				"`parent_process_path`, `parent_process_pid`.", map[string]schema.Attribute{
				"name": s("Parent process name."), "path": s("Parent process path."), "pid": n("Parent process id."),
			}),
		}},
	}
	resp.Schema = schema.Schema{
		Description: "Process events of both clouds in one schema aligned with OCSF (the Open Cybersecurity Schema Framework), " +
			"so that one policy covers both: TCSS abnormal-process events (DescribeAbnormalProcessEvents) and HSS " +
			"application-whitelist events (ListAppWhitelistEvent), read concurrently through the same readers as " +
			"`cwpp_tcss_abnormal_processes` and `cwpp_hss_app_whitelist_events`, merged newest first. The mapping of " +
			"each cloud's fields and values is in the tables of this page.",
		Attributes: attributes,
	}
}

// processEventArguments are the arguments of cwpp_process_events, which
// cwpp_ocsf_findings shares.
func processEventArguments() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"clouds": schema.SetAttribute{
			Optional: true, ElementType: types.StringType,
			Validators: []validator.Set{
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(stringvalidator.OneOf(cloudTencent, cloudHuawei)),
			},
			Description: "Clouds to read: `tencentcloud`, `huaweicloud` (default: every cloud the provider configures). " +
				"Naming a cloud the provider does not configure is an error.",
		},
		"enterprise_project_id": schema.StringAttribute{
			Optional: true, Validators: []validator.String{stringvalidator.LengthBetween(1, 256)},
			Description: enterpriseProjectDescription,
		},
		"time_field": schema.StringAttribute{
			Optional: true, Validators: []validator.String{stringvalidator.OneOf("first_seen", "last_seen")},
			Description: "The time the range applies to, and the list's order: `first_seen` or `last_seen`, so that an event " +
				"first found before the range but seen again within it is kept (TCSS `FoundTime` or `LatestFoundTime`; HSS " +
				"`occur_time` for both) (default: `first_seen`).",
		},
		"last_days": lastDaysAttribute("Events of the last 1 to 30 days. Exactly one of `last_days` or `begin_time` + "+
			"`end_time` is required.", true),
		"begin_time": rfc3339Attribute("Start of the range, inclusive, an RFC 3339 time such as `2026-11-01T00:00:00Z`. " +
			"Requires `end_time`. For a range relative to now, use `plantimestamp()`, known at plan."),
		"end_time": rfc3339Attribute("End of the range, inclusive, an RFC 3339 time after `begin_time`."),
		"severities": schema.SetAttribute{
			Optional: true, ElementType: types.StringType,
			Validators: []validator.Set{
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(stringvalidator.OneOf("critical", "high", "medium", "low", "informational")),
			},
			Description: "Only events of these normalized severities: `critical`, `high`, `medium`, `low`, `informational`.",
		},
		"statuses": schema.SetAttribute{
			Optional: true, ElementType: types.StringType,
			Validators: []validator.Set{
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(stringvalidator.OneOf("new", "resolved", "suppressed")),
			},
			Description: "Only events of these normalized statuses: `new`, `resolved`, `suppressed`. Sent to the " +
				"clouds as their own filters where they have one (TCSS `Status` for one status, HSS `handle_status` " +
				"for `new` or `resolved` alone; HSS events are never `suppressed`).",
		},
		"max_results": maxResultsAttribute("Keep at most this many events, the newest; a warning says when the list was cut (default: all). " +
			"`0` keeps no events, only `summary`."),
	}
}

// processSummaryAttribute is the summary of cwpp_process_events and
// cwpp_ocsf_findings.
func processSummaryAttribute() schema.SingleNestedAttribute {
	counts := func(description string) schema.MapAttribute {
		return schema.MapAttribute{Computed: true, ElementType: types.Int64Type, Description: description}
	}
	return schema.SingleNestedAttribute{Computed: true, Description: "Counts over every event that matched, before `max_results`.", Attributes: map[string]schema.Attribute{
		"by_cloud":    counts("Events per `cloud`."),
		"by_severity": counts("Events per normalized `severity`."),
		"by_status":   counts("Events per normalized `status`."),
		"newest_time_rfc3339": schema.StringAttribute{
			Computed: true, CustomType: timetypes.RFC3339Type{},
			Description: "The latest `time_rfc3339` of the events; null when no event matched.",
		},
	}}
}

func (d *processEventsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return timeRangeValidators(true)
}

// ValidateConfig checks begin before end.
func (d *processEventsDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	validateTimeOrder(ctx, req.Config, &resp.Diagnostics)
}

func (d *processEventsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = toProviderData(req, resp)
}

// processEventCodec encodes one event as the schema's element of events.
var processEventCodec = elementCodec[processEventModel](NewProcessEventsDataSource, "events")

func (d *processEventsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model processEventsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	encoded := encodedListFrom(ctx)
	read := readProcessEvents(ctx, d.data, &model.processEventsArgs, func(events []processevent.Event, kept []processKeptEvent) error {
		elements, err := keepElements(encoded, processEventCodec, len(events), func(i int) processEventModel { return newProcessEventModel(&events[i]) })
		if err != nil {
			return err
		}
		for i := range kept {
			kept[i].listElement = elements[i]
		}
		return nil
	}, &resp.Diagnostics)
	if read == nil {
		return
	}
	model.Summary = read.summary
	elements := make([]listElement[processEventModel], len(read.events))
	for i := range read.events {
		elements[i] = read.events[i].listElement
	}
	if addStateTooLarge(&resp.Diagnostics, read.budget.check(len(elements), encodedSize(elements)), processNarrowing, "newest") {
		return
	}
	resp.Diagnostics.Append(setListState(ctx, &resp.State, encoded, "events", &model, elements,
		func(m *processEventsModel, events []processEventModel) { m.Events = events })...)
}

// processEventsRead is what a read of the process events of both clouds
// returns: the events that matched, newest first, cut to max_results, each
// with its output; the summary of every match; the state's budget.
type processEventsRead struct {
	events  []processKeptEvent
	matched int
	summary *processSummaryModel
	budget  *stateBudget
}

// readProcessEvents is the read cwpp_process_events and cwpp_ocsf_findings
// share: each cloud concurrently through its reader, output making each
// page's elements as pages arrive (counted against the state's budget),
// then the filters, the order, the summary and max_results. Nil when the
// read failed, its diagnostics added.
func readProcessEvents(ctx context.Context, data *providerData, args *processEventsArgs,
	output func(events []processevent.Event, kept []processKeptEvent) error, diags *diag.Diagnostics,
) *processEventsRead {
	readTencent, readHuawei := cloudsToRead(data, args.Clouds, args.EnterpriseProjectID, args.TimeField.ValueString() == "last_seen", diags)
	r := readTimeRange(args.LastDays, args.BeginTime, args.EndTime, diags)
	if diags.HasError() {
		return nil
	}
	severities, statuses := matcher(args.Severities), matcher(args.Statuses)
	maxResults := maxResultsOf(args.MaxResults)
	summaryOnly := !maxResults.IsNull() && maxResults.ValueInt64() == 0
	budget := newStateBudget(maxResults)

	// keep keeps a page's events and their outputs, counted against the
	// budget of list (a page's window).
	keep := func(list int, total int64, events []processevent.Event, kept []processKeptEvent) ([]processKeptEvent, error) {
		if summaryOnly {
			return kept, nil
		}
		if err := output(events, kept); err != nil {
			return nil, err
		}
		return kept, budget.add(list, total, len(kept), func(i int) (int, bool) {
			e := &kept[i]
			return len(e.encoded), severities(&e.severity) && statuses(&e.status)
		})
	}
	restart := func(list int) { budget.restart(list) }

	var (
		mu           sync.Mutex
		all          []processKeptEvent
		readWarnings []paging.Warning
		failures     = map[string]error{}
	)
	g, gctx := errgroup.WithContext(ctx)
	for cloud, read := range map[string]cloudRead{cloudTencent: readTencent, cloudHuawei: readHuawei} {
		if read == nil {
			continue
		}
		g.Go(func() error {
			events, warnings, err := read(gctx, r, args.Statuses, keep, restart)
			mu.Lock()
			defer mu.Unlock()
			all = append(all, events...) // in any order: sorted below
			readWarnings = append(readWarnings, warnings...)
			if err != nil {
				failures[cloud] = err
			}
			return err
		})
	}
	started := time.Now()
	if err := g.Wait(); err != nil {
		for cloud, err := range failures {
			if errors.Is(err, context.Canceled) && len(failures) > 1 {
				continue // stopped because the other cloud failed
			}
			var eventErr *ocsf.EventError
			switch {
			case addStateTooLarge(diags, err, processNarrowing, "newest"):
			case errors.As(err, &eventErr):
				diags.AddError("An event cannot be an OCSF finding",
					eventErr.Error()+". The read fails rather than leave the event out; cwpp_process_events reads it.")
			case cloud == cloudTencent:
				diags.AddError(tencentErrorSummary(tencentcloud.ActionDescribeAbnormalProcessEvents), tencentErrorDetail(err))
			default:
				diags.AddError(huaweiErrorSummary(huaweicloud.ActionListAppWhitelistEvent), huaweiErrorDetail(err))
			}
		}
		return nil
	}

	events := all[:0]
	for i := range all {
		if severities(&all[i].severity) && statuses(&all[i].status) {
			events = append(events, all[i])
		}
	}
	// Newest first; events without a time last; ties in a stable order.
	sort.SliceStable(events, func(a, b int) bool {
		ea, eb := &events[a], &events[b]
		if ea.hasTime != eb.hasTime {
			return ea.hasTime
		}
		if !ea.at.Equal(eb.at) {
			return ea.at.After(eb.at)
		}
		if ea.cloud != eb.cloud {
			return ea.cloud < eb.cloud
		}
		return ea.id < eb.id
	})
	addReadWarnings(diags, readWarnings)
	logging.Info(ctx, "read process events", map[string]any{"events": len(events), "elapsed": time.Since(started).String()})
	summary, matched := summarizeProcessEvents(events), len(events)
	events = cutToMaxResults(events, maxResults, "newest", diags)
	return &processEventsRead{events: events, matched: matched, summary: summary, budget: budget}
}

// keepPage turns one page's mapped events into what the read keeps, counted
// under a list index toward the state's budget.
type keepPage func(list int, total int64, events []processevent.Event, kept []processKeptEvent) ([]processKeptEvent, error)

// cloudRead reads one cloud's events of a range, and what its reader noticed.
// restart(list) forgets what keep counted of a list read that starts over.
type cloudRead func(ctx context.Context, r timeRange, statuses []types.String, keep keepPage, restart func(list int)) ([]processKeptEvent, []paging.Warning, error)

// cloudsToRead returns a read for each cloud to read: those named, or every
// configured one; a diagnostic for a named cloud that is not configured.
func cloudsToRead(data *providerData, named []types.String, enterpriseProject types.String, lastSeen bool, diags *diag.Diagnostics) (tencent, huawei cloudRead) {
	want := map[string]bool{}
	for _, c := range named {
		want[c.ValueString()] = true
	}
	configured := func(cloud string) bool {
		if data == nil {
			return false
		}
		if cloud == cloudTencent {
			return data.tencent != nil || data.tencentIncomplete != ""
		}
		return data.huawei != nil || data.huaweiIncomplete != ""
	}
	if len(named) == 0 {
		want[cloudTencent], want[cloudHuawei] = configured(cloudTencent), configured(cloudHuawei)
		if !want[cloudTencent] && !want[cloudHuawei] {
			diags.AddError("No cloud is configured",
				"This data source reads the clouds the provider configures, and it configures none.\n\n"+tencentNotConfigured+"\n\n"+huaweiNotConfigured)
			return nil, nil
		}
	}
	if want[cloudTencent] {
		if client, region, _, ok := data.tencentRead(context.Background(), types.StringNull(), diags); ok {
			zone := data.tencentZone
			tencent = func(ctx context.Context, r timeRange, statuses []types.String, keep keepPage, restart func(int)) ([]processKeptEvent, []paging.Warning, error) {
				return readTCSSProcessEvents(data.logContext(ctx), client, region, zone, lastSeen, r, statuses, keep, restart)
			}
		}
	}
	if want[cloudHuawei] {
		if client, _, ok := data.huaweiRead(context.Background(), diags); ok {
			huawei = func(ctx context.Context, r timeRange, statuses []types.String, keep keepPage, _ func(int)) ([]processKeptEvent, []paging.Warning, error) {
				return readHSSProcessEvents(data.logContext(ctx), client, enterpriseProject.ValueStringPointer(), r, statuses, keep)
			}
		}
	}
	return tencent, huawei
}

// nativeStatuses are the native values that map to the statuses asked for.
func nativeStatuses(table map[string]string, statuses []types.String) []string {
	var out []string
	for _, s := range statuses {
		for native, normalized := range table {
			if normalized == s.ValueString() {
				out = append(out, native)
			}
		}
	}
	sort.Strings(out)
	return out
}

// readTCSSProcessEvents reads the TCSS list of the range, newest first,
// through the reader of cwpp_tcss_abnormal_processes.
func readTCSSProcessEvents(ctx context.Context, client tencentcloud.API, region string, zone *time.Location, lastSeen bool,
	r timeRange, statuses []types.String, keep keepPage, restart func(list int),
) ([]processKeptEvent, []paging.Warning, error) {
	q := tencentcloud.ListQuery{Region: region, Range: tcssRangeOf(r, time.Now()), Zone: zone, By: tencentcloud.ByFoundTime,
		Request: tencentcloud.DescribeAbnormalProcessEventsRequest{}}
	if lastSeen {
		q.By = tencentcloud.ByLatestFoundTime
	}
	if native := nativeStatuses(processevent.TCSSStatuses, statuses); len(statuses) > 0 {
		switch len(native) {
		case 0:
			return nil, nil, nil
		case 1: // the Status filter takes one value exactly
			q.Request.Filters = []*tencentcloud.RunTimeFilters{{Name: ptrTo("Status"), Values: []*string{&native[0]}, ExactMatch: ptrTo(true)}}
		}
	}
	var times *tcssTimes
	result, err := tencentcloud.ReadList(ctx, client, q, func() tencentcloud.Keep[processKeptEvent] {
		restart(0)
		times = newTCSSTimes(zone) // counts the bad times of this attempt alone
		return func(_ int64, page []tencentcloud.AbnormalProcessEventInfo) ([]processKeptEvent, error) {
			events := make([]processevent.Event, len(page))
			kept := make([]processKeptEvent, len(page))
			for i := range page {
				events[i] = processevent.FromTCSS(&page[i], times.parse)
				events[i].Region = region
				// newest first by the time the range applies to
				kept[i] = keptProcessEvent(&events[i], events[i].Seen(lastSeen))
			}
			// The API counts the whole list: only what is read counts toward the state.
			return keep(0, 0, events, kept)
		}
	})
	if err != nil {
		return nil, nil, err
	}
	if w, ok := times.warning(); ok {
		result.Warnings = append(result.Warnings, w)
	}
	return result.Items, result.Warnings, nil
}

// readHSSProcessEvents reads the HSS events of the range through the reader
// of cwpp_hss_app_whitelist_events, with handle_status when statuses allows.
func readHSSProcessEvents(ctx context.Context, client *huaweicloud.Client, enterpriseProject *string, r timeRange, statuses []types.String,
	keep keepPage,
) ([]processKeptEvent, []paging.Warning, error) {
	q := huaweicloud.Query{Target: client.Resolve(huaweicloud.Target{}), LastDays: r.LastDays, Begin: r.Begin, End: r.End,
		EnterpriseProjectID: enterpriseProject, AllProjects: client.AllProjects()}
	if native := nativeStatuses(processevent.HSSStatuses, statuses); len(statuses) > 0 {
		switch len(native) {
		case 0:
			return nil, nil, nil // HSS events are only new or resolved
		case 1:
			q.HandleStatus = &native[0]
		}
	}
	result, err := huaweicloud.ReadEventsAs(ctx, client, q, huaweicloud.DefaultConcurrency, func(page huaweicloud.Page) ([]processKeptEvent, error) {
		events := make([]processevent.Event, len(page.Events))
		kept := make([]processKeptEvent, len(page.Events))
		for i := range page.Events {
			events[i] = processevent.FromHSS(&page.Events[i])
			events[i].Region = q.Target.Region
			kept[i] = keptProcessEvent(&events[i], events[i].Time)
		}
		return keep(1+page.Window, page.Total, events, kept)
	})
	if err != nil {
		return nil, nil, err
	}
	return result.Events, result.Warnings, nil
}

// summarizeProcessEvents counts the matched events.
func summarizeProcessEvents(events []processKeptEvent) *processSummaryModel {
	s := &processSummaryModel{ByCloud: map[string]int64{}, BySeverity: map[string]int64{}, ByStatus: map[string]int64{},
		NewestTimeRFC3339: timetypes.NewRFC3339Null()}
	var newest time.Time
	for i := range events {
		e := &events[i]
		s.ByCloud[e.cloud]++
		s.BySeverity[e.severity]++
		s.ByStatus[e.status]++
		if e.hasTime && e.at.After(newest) {
			newest = e.at
		}
	}
	if !newest.IsZero() {
		s.NewestTimeRFC3339 = timetypes.NewRFC3339TimeValue(newest) // in its cloud's zone, as its event's time_rfc3339
	}
	return s
}
