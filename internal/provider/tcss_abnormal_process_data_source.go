package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/processtree"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

var _ datasource.DataSourceWithConfigure = (*tcssAbnormalProcessDataSource)(nil)

// NewTCSSAbnormalProcessDataSource is the cwpp_tcss_abnormal_process data source.
func NewTCSSAbnormalProcessDataSource() datasource.DataSource {
	return &tcssAbnormalProcessDataSource{}
}

type tcssAbnormalProcessDataSource struct {
	data *providerData
}

type tcssAbnormalProcessModel struct {
	EventID             types.String              `tfsdk:"event_id"`
	Region              types.String              `tfsdk:"region"`
	RequestID           types.String              `tfsdk:"request_id"`
	EventBaseInfo       *tcssEventBaseInfoModel   `tfsdk:"event_base_info"`
	ProcessInfo         *tcssProcessInfoModel     `tfsdk:"process_info"`
	ParentProcessInfo   *tcssParentProcessModel   `tfsdk:"parent_process_info"`
	AncestorProcessInfo *tcssAncestorProcessModel `tfsdk:"ancestor_process_info"`
	EventDetail         *tcssEventDetailModel     `tfsdk:"event_detail"`
}

type tcssEventBaseInfoModel struct {
	EventID                      types.String      `tfsdk:"event_id"`
	FoundTime                    types.String      `tfsdk:"found_time"`
	FoundTimeRFC3339             timetypes.RFC3339 `tfsdk:"found_time_rfc3339"`
	ContainerID                  types.String      `tfsdk:"container_id"`
	ContainerName                types.String      `tfsdk:"container_name"`
	ImageID                      types.String      `tfsdk:"image_id"`
	ImageName                    types.String      `tfsdk:"image_name"`
	NodeName                     types.String      `tfsdk:"node_name"`
	Status                       types.String      `tfsdk:"status"`
	EventName                    types.String      `tfsdk:"event_name"`
	EventType                    types.String      `tfsdk:"event_type"`
	EventCount                   types.Int64       `tfsdk:"event_count"`
	LatestFoundTime              types.String      `tfsdk:"latest_found_time"`
	LatestFoundTimeRFC3339       timetypes.RFC3339 `tfsdk:"latest_found_time_rfc3339"`
	HostIP                       types.String      `tfsdk:"host_ip"`
	ClientIP                     types.String      `tfsdk:"client_ip"`
	ContainerNetStatus           types.String      `tfsdk:"container_net_status"`
	ContainerNetSubStatus        types.String      `tfsdk:"container_net_sub_status"`
	ContainerIsolateOperationSrc types.String      `tfsdk:"container_isolate_operation_src"`
	NodeID                       types.String      `tfsdk:"node_id"`
	NodeType                     types.String      `tfsdk:"node_type"`
	NodeSubNetID                 types.String      `tfsdk:"node_sub_net_id"`
	NodeSubNetName               types.String      `tfsdk:"node_sub_net_name"`
	NodeSubNetCIDR               types.String      `tfsdk:"node_sub_net_cidr"`
	PodName                      types.String      `tfsdk:"pod_name"`
	PodIP                        types.String      `tfsdk:"pod_ip"`
	PodStatus                    types.String      `tfsdk:"pod_status"`
	ClusterID                    types.String      `tfsdk:"cluster_id"`
	ClusterName                  types.String      `tfsdk:"cluster_name"`
	NodeUniqueID                 types.String      `tfsdk:"node_unique_id"`
	HostID                       types.String      `tfsdk:"host_id"`
	Namespace                    types.String      `tfsdk:"namespace"`
	WorkloadType                 types.String      `tfsdk:"workload_type"`
	ContainerStatus              types.String      `tfsdk:"container_status"`
}

type tcssProcessInfoModel struct {
	ProcessName      types.String           `tfsdk:"process_name"`
	ProcessAuthority types.String           `tfsdk:"process_authority"`
	ProcessID        types.Int64            `tfsdk:"process_id"`
	ProcessStartUser types.String           `tfsdk:"process_start_user"`
	ProcessUserGroup types.String           `tfsdk:"process_user_group"`
	ProcessPath      types.String           `tfsdk:"process_path"`
	ProcessTree      types.String           `tfsdk:"process_tree"`
	ProcessMd5       types.String           `tfsdk:"process_md5"`
	ProcessParam     types.String           `tfsdk:"process_param"`
	ProcessTreeNodes []processTreeNodeModel `tfsdk:"process_tree_nodes"`
}

type processTreeNodeModel struct {
	Name types.String `tfsdk:"name"`
	PID  types.Int64  `tfsdk:"pid"`
}

type tcssParentProcessModel struct {
	ProcessName      types.String `tfsdk:"process_name"`
	ProcessID        types.Int64  `tfsdk:"process_id"`
	ProcessStartUser types.String `tfsdk:"process_start_user"`
	ProcessUserGroup types.String `tfsdk:"process_user_group"`
	ProcessPath      types.String `tfsdk:"process_path"`
	ProcessParam     types.String `tfsdk:"process_param"`
}

type tcssAncestorProcessModel struct {
	ProcessStartUser types.String `tfsdk:"process_start_user"`
	ProcessUserGroup types.String `tfsdk:"process_user_group"`
	ProcessPath      types.String `tfsdk:"process_path"`
	ProcessParam     types.String `tfsdk:"process_param"`
}

type tcssEventDetailModel struct {
	Description   types.String `tfsdk:"description"`
	Solution      types.String `tfsdk:"solution"`
	Remark        types.String `tfsdk:"remark"`
	RuleName      types.String `tfsdk:"rule_name"`
	RuleID        types.String `tfsdk:"rule_id"`
	OperationTime types.String `tfsdk:"operation_time"`
	// OperationTimeRFC3339 is operation_time in tencentcloud.time_zone.
	OperationTimeRFC3339 timetypes.RFC3339   `tfsdk:"operation_time_rfc3339"`
	GroupName            types.String        `tfsdk:"group_name"`
	MatchRule            *tcssMatchRuleModel `tfsdk:"match_rule"`
}

type tcssMatchRuleModel struct {
	ProcessPath types.String `tfsdk:"process_path"`
	RuleMode    types.String `tfsdk:"rule_mode"`
	CmdLine     types.String `tfsdk:"cmd_line"`
	RuleID      types.String `tfsdk:"rule_id"`
	RuleLevel   types.String `tfsdk:"rule_level"`
}

func (d *tcssAbnormalProcessDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tcss_abnormal_process"
}

func (d *tcssAbnormalProcessDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	s := computedString
	resp.Schema = schema.Schema{
		Description: "One runtime abnormal-process event of Tencent Cloud TCSS (container security), read with " +
			"DescribeAbnormalProcessDetail (version 2020-11-01). Fields the API leaves out are null.",
		Attributes: map[string]schema.Attribute{
			"event_id": schema.StringAttribute{
				Required: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1), trimmedValidator{}},
				Description: "Unique id of the event.",
			},
			"region": schema.StringAttribute{
				Optional: true, Computed: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				Description: "Region to read from (default: the provider's `tencentcloud.region`).",
			},
			"request_id": s("Unique id of the API request, for support cases."),
			"event_base_info": schema.SingleNestedAttribute{
				Computed: true, Description: "Basic information of the event (RunTimeEventBaseInfo).",
				Attributes: map[string]schema.Attribute{
					"event_id":                        s("Unique id of the event."),
					"found_time":                      s("When the event was first found, `YYYY-MM-DD hh:mm:ss` in the API's zone-less form."),
					"found_time_rfc3339":              tcssRFC3339Attribute("found_time"),
					"container_id":                    s("Container id."),
					"container_name":                  s("Container name."),
					"image_id":                        s("Image id."),
					"image_name":                      s("Image name."),
					"node_name":                       s("Node name."),
					"status":                          s("Event status: " + tcssStatusWords + "."),
					"event_name":                      s("Event name."),
					"event_type":                      s("Event type."),
					"event_count":                     computedInt64("How many times the event occurred."),
					"latest_found_time":               s("When the event was last found."),
					"latest_found_time_rfc3339":       tcssRFC3339Attribute("latest_found_time"),
					"host_ip":                         s("Private IP of the host."),
					"client_ip":                       s("Public IP of the host."),
					"container_net_status":            s("Network status of the container (isolation)."),
					"container_net_sub_status":        s("Network sub-status of the container."),
					"container_isolate_operation_src": s("Who isolated the container."),
					"node_id":                         s("Node id."),
					"node_type":                       s("Node type, such as `NORMAL` or `SUPER`."),
					"node_sub_net_id":                 s("Subnet id of the node."),
					"node_sub_net_name":               s("Subnet name of the node."),
					"node_sub_net_cidr":               s("Subnet CIDR of the node."),
					"pod_name":                        s("Pod name."),
					"pod_ip":                          s("Pod IP."),
					"pod_status":                      s("Pod status."),
					"cluster_id":                      s("Cluster id."),
					"cluster_name":                    s("Cluster name."),
					"node_unique_id":                  s("Unique id of the node."),
					"host_id":                         s("Host id."),
					"namespace":                       s("Kubernetes namespace."),
					"workload_type":                   s("Workload type, such as `Deployment` or `StatefulSet`."),
					"container_status":                s("Container status."),
				},
			},
			"process_info": schema.SingleNestedAttribute{
				Computed: true, Description: "The abnormal process (ProcessDetailInfo).",
				Attributes: map[string]schema.Attribute{
					"process_name":       s("Process name."),
					"process_authority":  s("Permissions of the process file, such as `-rwxr-xr-x`."),
					"process_id":         computedInt64("Process id."),
					"process_start_user": s("User that started the process."),
					"process_user_group": s("User group of the process."),
					"process_path":       s("Path of the process file."),
					"process_tree":       s("Process ancestry as the API reports it, child first: `name(pid)|name(pid)|...`."),
					"process_md5":        s("MD5 of the process file."),
					"process_param":      s("Command line of the process."),
					"process_tree_nodes": processTreeNodesAttribute(),
				},
			},
			"parent_process_info": schema.SingleNestedAttribute{
				Computed: true, Description: "The parent process (ProcessDetailBaseInfo).",
				Attributes: map[string]schema.Attribute{
					"process_name":       s("Process name."),
					"process_id":         computedInt64("Process id."),
					"process_start_user": s("User that started the process."),
					"process_user_group": s("User group of the process."),
					"process_path":       s("Path of the process file."),
					"process_param":      s("Command line of the process."),
				},
			},
			"ancestor_process_info": schema.SingleNestedAttribute{
				Computed: true, Description: "The ancestor process (ProcessBaseInfo).",
				Attributes: map[string]schema.Attribute{
					"process_start_user": s("User that started the process."),
					"process_user_group": s("User group of the process."),
					"process_path":       s("Path of the process file."),
					"process_param":      s("Command line of the process."),
				},
			},
			"event_detail": schema.SingleNestedAttribute{
				Computed: true, Description: "Description of the event (AbnormalProcessEventDescription).",
				Attributes: map[string]schema.Attribute{
					"description":            s("What was detected."),
					"solution":               s("Suggested remedy."),
					"remark":                 s("Remark."),
					"rule_name":              s("Name of the rule that raised the event."),
					"rule_id":                s("Id of the rule that raised the event."),
					"operation_time":         s("When the event was handled."),
					"operation_time_rfc3339": tcssRFC3339Attribute("operation_time"),
					"group_name":             s("Rule group, such as `SYSTEM_DEFINED_RULE`."),
					"match_rule": schema.SingleNestedAttribute{
						Computed: true, Description: "The child rule the process matched (AbnormalProcessChildRuleInfo).",
						Attributes: map[string]schema.Attribute{
							"process_path": s("Process path the rule matches."),
							"rule_mode":    s("Rule mode: `RULE_MODE_RELEASE` (allow), `RULE_MODE_ALERT` (alert) or `RULE_MODE_HOLDUP` (block)."),
							"cmd_line":     s("Command line the rule matches."),
							"rule_id":      s("Id of the child rule."),
							"rule_level":   s("Threat level: " + tcssRuleLevelWords + "."),
						},
					},
				},
			},
		},
	}
}

func (d *tcssAbnormalProcessDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = toProviderData(req, resp)
}

func (d *tcssAbnormalProcessDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model tcssAbnormalProcessModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, region, ctx, ok := d.data.tencentRead(ctx, model.Region, &resp.Diagnostics)
	if !ok {
		return
	}
	eventID := model.EventID.ValueString()
	ctx = logging.SetField(ctx, "event_id", eventID)

	out, err := client.DescribeAbnormalProcessDetail(ctx, region, eventID)
	if err != nil {
		if tencentcloud.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("event_id"), "Abnormal process event not found",
				fmt.Sprintf("abnormal process event %s not found in region %s.\n\n%s", eventID, region, tencentErrorDetail(err)))
			return
		}
		resp.Diagnostics.AddError(tencentErrorSummary(tencentcloud.ActionDescribeAbnormalProcessDetail), tencentErrorDetail(err))
		return
	}
	logging.Debug(ctx, "read abnormal process event")

	model.Region = types.StringValue(region)
	times := newTCSSTimes(d.data.tencentZone)
	resp.Diagnostics.Append(fillTCSSModel(&model, out, times)...)
	times.warn(&resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// fillTCSSModel maps the API's response onto the model; absent objects and fields are null.
func fillTCSSModel(m *tcssAbnormalProcessModel, out *tencentcloud.DescribeAbnormalProcessDetailResponseParams, times *tcssTimes) diag.Diagnostics {
	var diags diag.Diagnostics
	pid := func(attr string, v *uint64) types.Int64 {
		value, ok := uint64Value(v)
		if !ok {
			diags.AddWarning("Process id out of range", fmt.Sprintf("%s %d does not fit a 64-bit signed integer and is left null.", attr, *v))
		}
		return value
	}
	str := types.StringPointerValue
	m.RequestID = str(out.RequestId)
	m.EventBaseInfo, m.ProcessInfo, m.ParentProcessInfo, m.AncestorProcessInfo, m.EventDetail = nil, nil, nil, nil, nil

	if b := out.EventBaseInfo; b != nil {
		m.EventBaseInfo = &tcssEventBaseInfoModel{
			EventID: str(b.EventId), FoundTime: str(b.FoundTime), ContainerID: str(b.ContainerId),
			ContainerName: str(b.ContainerName), ImageID: str(b.ImageId), ImageName: str(b.ImageName),
			NodeName: str(b.NodeName), Status: str(b.Status), EventName: str(b.EventName), EventType: str(b.EventType),
			EventCount: types.Int64PointerValue(b.EventCount), LatestFoundTime: str(b.LatestFoundTime),
			HostIP: str(b.HostIP), ClientIP: str(b.ClientIP), ContainerNetStatus: str(b.ContainerNetStatus),
			ContainerNetSubStatus: str(b.ContainerNetSubStatus), ContainerIsolateOperationSrc: str(b.ContainerIsolateOperationSrc),
			NodeID: str(b.NodeID), NodeType: str(b.NodeType), NodeSubNetID: str(b.NodeSubNetID),
			NodeSubNetName: str(b.NodeSubNetName), NodeSubNetCIDR: str(b.NodeSubNetCIDR), PodName: str(b.PodName),
			PodIP: str(b.PodIP), PodStatus: str(b.PodStatus), ClusterID: str(b.ClusterID), ClusterName: str(b.ClusterName),
			NodeUniqueID: str(b.NodeUniqueID), HostID: str(b.HostID), Namespace: str(b.Namespace),
			WorkloadType: str(b.WorkloadType), ContainerStatus: str(b.ContainerStatus),
			FoundTimeRFC3339: times.rfc3339(b.FoundTime), LatestFoundTimeRFC3339: times.rfc3339(b.LatestFoundTime),
		}
	}
	if p := out.ProcessInfo; p != nil {
		m.ProcessInfo = &tcssProcessInfoModel{
			ProcessName: str(p.ProcessName), ProcessAuthority: str(p.ProcessAuthority),
			ProcessID: pid("process_info.process_id", p.ProcessId), ProcessStartUser: str(p.ProcessStartUser),
			ProcessUserGroup: str(p.ProcessUserGroup), ProcessPath: str(p.ProcessPath), ProcessTree: str(p.ProcessTree),
			ProcessMd5: str(p.ProcessMd5), ProcessParam: str(p.ProcessParam),
		}
		if p.ProcessTree != nil {
			nodes, err := processtree.Parse(*p.ProcessTree)
			if err != nil {
				diags.AddAttributeWarning(path.Root("process_info").AtName("process_tree_nodes"), "Process tree not parsed",
					fmt.Sprintf("process_tree %q could not be parsed (%s); process_tree_nodes is null.", *p.ProcessTree, err))
			} else {
				m.ProcessInfo.ProcessTreeNodes = processTreeNodes(nodes)
			}
		}
	}
	if p := out.ParentProcessInfo; p != nil {
		m.ParentProcessInfo = &tcssParentProcessModel{
			ProcessName: str(p.ProcessName), ProcessID: pid("parent_process_info.process_id", p.ProcessId),
			ProcessStartUser: str(p.ProcessStartUser), ProcessUserGroup: str(p.ProcessUserGroup),
			ProcessPath: str(p.ProcessPath), ProcessParam: str(p.ProcessParam),
		}
	}
	if p := out.AncestorProcessInfo; p != nil {
		m.AncestorProcessInfo = &tcssAncestorProcessModel{
			ProcessStartUser: str(p.ProcessStartUser), ProcessUserGroup: str(p.ProcessUserGroup),
			ProcessPath: str(p.ProcessPath), ProcessParam: str(p.ProcessParam),
		}
	}
	if e := out.EventDetail; e != nil {
		m.EventDetail = &tcssEventDetailModel{
			Description: str(e.Description), Solution: str(e.Solution), Remark: str(e.Remark), RuleName: str(e.RuleName),
			RuleID: str(e.RuleId), OperationTime: str(e.OperationTime), GroupName: str(e.GroupName),
			OperationTimeRFC3339: times.rfc3339(e.OperationTime),
		}
		if r := e.MatchRule; r != nil {
			m.EventDetail.MatchRule = &tcssMatchRuleModel{
				ProcessPath: str(r.ProcessPath), RuleMode: str(r.RuleMode), CmdLine: str(r.CmdLine),
				RuleID: str(r.RuleId), RuleLevel: str(r.RuleLevel),
			}
		}
	}
	return diags
}

// tcssRFC3339Attribute is the companion of a TCSS time attribute.
func tcssRFC3339Attribute(of string) schema.StringAttribute {
	return schema.StringAttribute{
		Computed: true, CustomType: timetypes.RFC3339Type{},
		Description: "`" + of + "` as an RFC 3339 time, read in the provider's `tencentcloud.time_zone` (the API's times " +
			"carry no zone), such as `2024-10-23T17:38:12+08:00`, so HCL can compare it with `timecmp`; null when `" + of +
			"` is absent or not of the API's form.",
	}
}

// processTreeNodesAttribute is the schema of process_tree_nodes; the
// parse_process_tree function returns the same object type.
func processTreeNodesAttribute() schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Computed: true,
		Description: "`process_tree` parsed into its processes, child first. Null when `process_tree` is " +
			"null or cannot be parsed (a warning says why); empty when it is empty.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"name": computedString("Process name."),
			"pid":  computedInt64("Process id; null when the tree gives none."),
		}},
	}
}

// processTreeNodes is shared by the data source and the parse_process_tree function.
func processTreeNodes(nodes []processtree.Node) []processTreeNodeModel {
	out := make([]processTreeNodeModel, len(nodes))
	for i, n := range nodes {
		out[i] = processTreeNodeModel{Name: types.StringValue(n.Name), PID: types.Int64PointerValue(n.PID)}
	}
	return out
}
