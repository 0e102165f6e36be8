package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
)

var (
	_ datasource.DataSourceWithConfigure        = (*hssAppWhitelistEventsDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*hssAppWhitelistEventsDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*hssAppWhitelistEventsDataSource)(nil)
)

// hssNarrowing names the arguments that make a read smaller.
// enterpriseProjectDescription describes enterprise_project_id, the same in
// every data source that reads HSS.
const enterpriseProjectDescription = "HSS enterprise project to read (default: every enterprise project the credentials may " +
	"read, sent as `all_granted_eps`; an account that refuses it, as one without enterprise projects may, is read again " +
	"without it, once per provider, with a warning). `0` is the default enterprise project only."

const hssNarrowing = "a shorter range (last_days, or begin_time and end_time), the server-side filters host_name, host_ip, " +
	"private_ip, handle_status or enterprise_project_id, or severities"

// hssSeverities are the documented threat levels.
var hssSeverities = []string{"Security", "Low", "Medium", "High", "Critical"}

// NewHSSAppWhitelistEventsDataSource is the cwpp_hss_app_whitelist_events data source.
func NewHSSAppWhitelistEventsDataSource() datasource.DataSource {
	return &hssAppWhitelistEventsDataSource{}
}

type hssAppWhitelistEventsDataSource struct {
	data *providerData
}

func (d *hssAppWhitelistEventsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_hss_app_whitelist_events"
}

func (d *hssAppWhitelistEventsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	s, n := computedString, computedInt64
	filter := func(description string, maxLen int) schema.StringAttribute {
		return schema.StringAttribute{
			Optional: true, Description: description,
			Validators: []validator.String{stringvalidator.LengthBetween(1, maxLen)},
		}
	}
	resp.Schema = schema.Schema{
		Description: "The suspicious processes of the application whitelist of one Huawei Cloud HSS project " +
			"(ListAppWhitelistEvent), filtered, every page read. A range longer than the API's 2 days per request is " +
			"split into windows of at most 2 days, read concurrently; events are merged newest first, each once.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				Description: "Region to read from (default: the provider's `huaweicloud.region`). A region other than the " +
					"provider's is read from its default endpoint, `https://hss.<region>.myhuaweicloud.com`.",
			},
			"project_id": schema.StringAttribute{
				Optional: true, Validators: []validator.String{stringvalidator.LengthBetween(1, 256)},
				Description: "Project to read (default: the provider's `huaweicloud.project_id`).",
			},
			"enterprise_project_id": schema.StringAttribute{
				Optional: true, Validators: []validator.String{stringvalidator.LengthBetween(1, 256)},
				Description: enterpriseProjectDescription,
			},
			"last_days": lastDaysAttribute("Read the events of the last 1 to 30 days before the read starts, sent as `begin_time`/`end_time` "+
				"windows of at most 2 days (never as the API's `last_days`, which its reference and SDK leave in doubt). "+
				"Exactly one of `last_days` or `begin_time` + `end_time` is required.", true),
			"begin_time": rfc3339Attribute("Start of the range, inclusive, an RFC 3339 time such as `2026-11-01T00:00:00Z`. " +
				"Requires `end_time`. A range may be of any length. For a range relative to now, use `plantimestamp()`, " +
				"known at plan, not `timestamp()`, which is unknown until apply and defers the read to it."),
			"end_time": rfc3339Attribute("End of the range, inclusive, an RFC 3339 time after `begin_time`. Requires `begin_time`."),
			"host_name": filter("Only events of this server name (sent to the API as `host_name`, whose matching the API does not "+
				"document; an event returned whose `host_name`, or `resource_info.host_name` without one, does not contain it is dropped "+
				"with a warning).", 256),
			"host_ip": filter("Only events of this host IP (sent to the API as `host_ip`; an event returned whose "+
				"`resource_info.host_ip` does not contain it is dropped with a warning).", 256),
			"private_ip": filter("Only events of this private IP (sent to the API as `private_ip`, which the SDK no longer sends; an "+
				"event returned whose `private_ip` does not contain it is dropped with a warning).", 128),
			"handle_status": schema.StringAttribute{
				Optional: true, Validators: []validator.String{stringvalidator.OneOf("unhandled", "handled")},
				Description: "Only `unhandled` or only `handled` events (sent to the API as `handle_status`; an event returned " +
					"of the other status is dropped with a warning).",
			},
			"severities": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(hssSeverities...)),
				},
				Description: "Only events of these severities: `Security`, `Low`, `Medium`, `High`, `Critical`. " +
					"Filtered by the provider; `total_num` is not affected.",
			},
			"max_results": maxResultsAttribute("Keep at most this many events, the newest; a warning says when the list was cut (default: all). " +
				"`0` keeps no events, only `summary`, without a warning: a policy can count any number of events " +
				"without holding them in Terraform's state."),
			"summary": schema.SingleNestedAttribute{
				Computed: true,
				Description: "Counts over every event that matched: after `severities`, before `max_results`. " +
					"An event without the counted field is left out of that map.",
				Attributes: map[string]schema.Attribute{
					"by_severity": schema.MapAttribute{
						Computed: true, ElementType: types.Int64Type, Description: "Events per `severity`.",
					},
					"by_host_name": schema.MapAttribute{
						Computed: true, ElementType: types.Int64Type,
						Description: "Events per server name: `host_name`, or `resource_info.host_name` where the event has none " +
							"(the API reference's own example event has none).",
					},
					"by_handle_status": schema.MapAttribute{
						Computed: true, ElementType: types.Int64Type, Description: "Events per `handle_status`: `unhandled`, `handled`.",
					},
					"newest_occur_time_rfc3339": schema.StringAttribute{
						Computed: true, CustomType: timetypes.RFC3339Type{},
						Description: "The latest `occur_time_rfc3339` of the events; null when no event matched.",
					},
				},
			},
			"total_num": schema.Int64Attribute{
				Computed: true,
				Description: "How many events the API reported for the query, summed over time windows (an event on the millisecond two windows share " +
					"counted once), before `severities` and `max_results`. " +
					"A claim, not a bound: the read goes on while pages come back full, so `events` may hold more (APIs cap or estimate such counts).",
			},
			"events": schema.ListNestedAttribute{
				Computed: true, Description: "The events, newest first (AppWhitelistEventResponseInfo).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"event_id":       s("Event id."),
					"event_class_id": s("Event class, such as `appwl_1001`."),
					"event_type":     n("Event type, such as `3040`."),
					"event_name":     s("Event name."),
					"severity":       s("Threat level: `Security`, `Low`, `Medium`, `High` or `Critical`."),
					"host_name":      s("Server name."),
					"host_id":        s("Host id."),
					"private_ip":     s("Private IP of the server."),
					"public_ip":      s("Elastic IP of the server."),
					"attack_phase":   s("Attack phase, such as `installation`."),
					"attack_tag":     s("Attack tag, such as `abnormal_behavior`."),
					"occur_time":     n("When the event occurred, in milliseconds since the epoch."),
					"occur_time_rfc3339": schema.StringAttribute{
						Computed: true, CustomType: timetypes.RFC3339Type{},
						Description: "`occur_time` as an RFC 3339 time in UTC; null when `occur_time` is.",
					},
					"handle_time": n("When the event was handled, in milliseconds since the epoch; handled events only."),
					"handle_time_rfc3339": schema.StringAttribute{
						Computed: true, CustomType: timetypes.RFC3339Type{},
						Description: "`handle_time` as an RFC 3339 time in UTC; null when `handle_time` is.",
					},
					"handle_status": s("`unhandled` or `handled`."),
					"handle_method": s("How the event was handled."),
					"operate_accept_list": schema.ListAttribute{
						Computed: true, ElementType: types.StringType, Description: "Operations the event supports.",
					},
					"operate_detail_list": schema.ListNestedAttribute{
						Computed: true, Description: "Operation details (AppWhitelistEventDetailResInfo).",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"agent_id":        s("Agent id."),
							"process_pid":     n("Process id."),
							"file_hash":       s("File hash."),
							"file_path":       s("File path."),
							"file_attr":       s("File attributes."),
							"private_ip":      s("Private IP of the server."),
							"login_ip":        s("Login source IP."),
							"login_user_name": s("Login user name."),
						}},
					},
					"resource_info":  hssResourceInfoAttribute(),
					"recommendation": s("Suggested handling."),
					"process_info":   hssProcessInfoAttribute(),
					"policy_id":      s("Policy id."),
					"policy_name":    s("Policy name."),
					"os_type":        s("Operating system type, such as `Linux`."),
					"asset_value":    s("Asset importance: `important`, `common` or `test`."),
					"host_status":    s("Server status."),
					"agent_status":   s("Agent status."),
					"protect_status": s("Protection status."),
				}},
			},
		},
	}
}

func hssResourceInfoAttribute() schema.SingleNestedAttribute {
	attrs := map[string]schema.Attribute{}
	for name, description := range map[string]string{
		"domain_id": "Account (domain) id.", "project_id": "Project id.",
		"enterprise_project_id": "Enterprise project id; `0` is the default enterprise project.",
		"region_name":           "Region id.", "vpc_id": "VPC id.", "cloud_id": "Cloud server id.", "vm_name": "Virtual machine name.",
		"vm_uuid": "Virtual machine UUID.", "container_id": "Container id.", "image_id": "Image id.",
		"image_name": "Image name (container alarms only).", "host_attr": "Host attributes.", "service": "Business service.",
		"micro_service": "Microservice.", "sys_arch": "CPU architecture.", "os_bit": "Operating system bitness.",
		"os_type": "Operating system type.", "os_name": "Operating system name.", "host_name": "Server name.",
		"host_ip": "Host IP.", "public_ip": "Elastic IP.", "host_id": "Host id.", "pod_uid": "Pod UID.", "pod_name": "Pod name.",
		"namespace": "Namespace.", "cluster_id": "Cluster id.", "cluster_name": "Cluster name.",
		"asset_value": "Asset importance.", "container_status": "Container status.", "os_version": "Operating system version.",
		"agent_version": "Agent version.",
	} {
		attrs[name] = computedString(description)
	}
	return schema.SingleNestedAttribute{
		Computed: true, Description: "The resource the event happened on (all 31 fields of the API's resource_info).",
		Attributes: attrs,
	}
}

func hssProcessInfoAttribute() schema.ListNestedAttribute {
	attrs := map[string]schema.Attribute{}
	for name, description := range map[string]string{
		"process_name": "Process name.", "process_path": "Process file path.", "process_username": "User running the process.",
		"process_cmdline": "Process command line.", "process_filename": "Process file name.",
		"parent_process_name": "Parent process name.", "parent_process_path": "Parent process file path.",
		"parent_process_cmdline": "Parent process command line.", "parent_process_filename": "Parent process file name.",
		"child_process_name": "Child process name.", "child_process_path": "Child process file path.",
		"child_process_cmdline": "Child process command line.", "child_process_filename": "Child process file name.",
		"virt_cmd": "Virtualization command.", "virt_process_name": "Virtualization process name.",
		"escape_mode": "Escape mode.", "escape_cmd": "Command run after the escape.", "process_hash": "Hash of the process's start file.",
		"mode": "File mode.", "process_file_hash": "Process file hash.", "parent_process_file_hash": "Parent process file hash.",
		"ancestor_process_cmdline": "Grandparent process command line.", "ancestor_process_path": "Grandparent process path.",
	} {
		attrs[name] = computedString(description)
	}
	for name, description := range map[string]string{
		"process_pid": "Process id.", "process_uid": "Process user id.", "process_start_time": "Process start time.",
		"process_gid": "Process group id.", "process_egid": "Process effective group id.",
		"process_euid": "Process effective user id.", "parent_process_pid": "Parent process id.",
		"parent_process_uid": "Parent process user id.", "parent_process_start_time": "Parent process start time.",
		"parent_process_gid": "Parent process group id.", "parent_process_egid": "Parent process effective group id.",
		"parent_process_euid": "Parent process effective user id.", "child_process_pid": "Child process id.",
		"child_process_uid": "Child process user id.", "child_process_start_time": "Child process start time.",
		"child_process_gid": "Child process group id.", "child_process_egid": "Child process effective group id.",
		"child_process_euid": "Child process effective user id.", "rule": "Rule.", "score": "Score.",
		"ancestor_process_pid": "Grandparent process id.", "operate_type": "Operation type.", "session_id": "Session id.",
	} {
		attrs[name] = computedInt64(description)
	}
	return schema.ListNestedAttribute{
		Computed: true,
		Description: "The processes of the event (EventProcessResInfo). The API's table names this list `process_info` " +
			"and its example `process_info_list`: both are read.",
		NestedObject: schema.NestedAttributeObject{Attributes: attrs},
	}
}

func (d *hssAppWhitelistEventsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return timeRangeValidators(true)
}

// ValidateConfig checks what the validators above cannot: begin before end.
func (d *hssAppWhitelistEventsDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	validateTimeOrder(ctx, req.Config, &resp.Diagnostics)
}

func (d *hssAppWhitelistEventsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = toProviderData(req, resp)
}

func (d *hssAppWhitelistEventsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model hssEventsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, ctx, ok := d.data.huaweiRead(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	q := huaweicloud.Query{
		Target:              client.Resolve(huaweicloud.Target{Region: model.Region.ValueString(), ProjectID: model.ProjectID.ValueString()}),
		EnterpriseProjectID: model.EnterpriseProjectID.ValueStringPointer(),
		AllProjects:         client.AllProjects(),
		HostName:            model.HostName.ValueStringPointer(),
		HostIP:              model.HostIP.ValueStringPointer(),
		PrivateIP:           model.PrivateIP.ValueStringPointer(),
		HandleStatus:        model.HandleStatus.ValueStringPointer(),
	}
	r := readTimeRange(model.LastDays, model.BeginTime, model.EndTime, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	q.LastDays, q.Begin, q.End = r.LastDays, r.Begin, r.End
	ctx = logging.SetField(ctx, "region", q.Target.Region)
	ctx = logging.SetField(ctx, "project_id", q.Target.ProjectID)

	// Under the protocol server, each page is encoded as state as it arrives;
	// on the framework's own path, it is kept as models.
	list := encodedListFrom(ctx)
	maxResults := maxResultsOf(model.MaxResults)
	budget := newStateBudget(maxResults)
	var keep huaweicloud.Keep[hssKeptEvent] = keepHSSEventModels
	switch {
	case !maxResults.IsNull() && maxResults.ValueInt64() == 0:
		keep = keepHSSEventSummaries
	case list != nil:
		keep = keepHSSEventsEncoded(budget, model.Severities)
	}
	started := time.Now()
	result, err := huaweicloud.ReadEventsAs(ctx, client, q, huaweicloud.DefaultConcurrency, keep)
	if err != nil {
		if !addStateTooLarge(&resp.Diagnostics, err, hssNarrowing, "newest") {
			resp.Diagnostics.AddError(huaweiErrorSummary(huaweicloud.ActionListAppWhitelistEvent), huaweiErrorDetail(err))
		}
		return
	}
	addReadWarnings(&resp.Diagnostics, result.Warnings)
	logging.Info(ctx, "read HSS app whitelist events", map[string]any{
		"total_num": result.TotalNum, "events": len(result.Events), "requests": result.Requests,
		"elapsed": time.Since(started).String(),
	})

	events := keepMatching(result.Events, model.Severities, func(e *hssKeptEvent) *string { return e.severity })
	model.Summary = summarizeHSSEvents(events)
	events = cutToMaxResults(events, maxResults, "newest", &resp.Diagnostics)
	model.TotalNum = types.Int64Value(result.TotalNum)
	elements := hssListElements(events)
	if addStateTooLarge(&resp.Diagnostics, budget.check(len(elements), encodedSize(elements)), hssNarrowing, "newest") {
		return
	}
	resp.Diagnostics.Append(setListState(ctx, &resp.State, list, "events", &model, elements,
		func(m *hssEventsModel, events []hssEventModel) { m.Events = events })...)
}
