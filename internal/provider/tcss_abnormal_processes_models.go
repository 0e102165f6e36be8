package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

type tcssAbnormalProcessesModel struct {
	Region     types.String      `tfsdk:"region"`
	Status     types.String      `tfsdk:"status"`
	Filters    []tcssFilterModel `tfsdk:"filter"`
	OrderBy    types.String      `tfsdk:"order_by"`
	Order      types.String      `tfsdk:"order"`
	TimeField  types.String      `tfsdk:"time_field"`
	RuleLevels []types.String    `tfsdk:"rule_levels"`
	MaxResults types.Number      `tfsdk:"max_results"`
	LastDays   types.Number      `tfsdk:"last_days"`
	BeginTime  types.String      `tfsdk:"begin_time"`
	EndTime    types.String      `tfsdk:"end_time"`
	TotalCount types.Int64       `tfsdk:"total_count"`
	// MatchedCount counts the events kept: in the range, of rule_levels.
	MatchedCount types.Int64       `tfsdk:"matched_count"`
	Summary      *tcssSummaryModel `tfsdk:"summary"`
	// Events is nil under the protocol server, which encodes the list itself.
	Events []tcssListEventModel `tfsdk:"events"`
}

type tcssFilterModel struct {
	Name       types.String   `tfsdk:"name"`
	Values     []types.String `tfsdk:"values"`
	ExactMatch types.Bool     `tfsdk:"exact_match"`
}

type tcssSummaryModel struct {
	ByMatchRuleLevel map[string]int64 `tfsdk:"by_match_rule_level"`
	ByStatus         map[string]int64 `tfsdk:"by_status"`
	ByClusterName    map[string]int64 `tfsdk:"by_cluster_name"`
}

type tcssListEventModel struct {
	ID                           types.String      `tfsdk:"id"`
	ProcessPath                  types.String      `tfsdk:"process_path"`
	EventType                    types.String      `tfsdk:"event_type"`
	MatchRuleName                types.String      `tfsdk:"match_rule_name"`
	FoundTime                    types.String      `tfsdk:"found_time"`
	FoundTimeRFC3339             timetypes.RFC3339 `tfsdk:"found_time_rfc3339"`
	ContainerName                types.String      `tfsdk:"container_name"`
	ImageName                    types.String      `tfsdk:"image_name"`
	Behavior                     types.String      `tfsdk:"behavior"`
	Status                       types.String      `tfsdk:"status"`
	ImageID                      types.String      `tfsdk:"image_id"`
	ContainerID                  types.String      `tfsdk:"container_id"`
	Solution                     types.String      `tfsdk:"solution"`
	Description                  types.String      `tfsdk:"description"`
	MatchRuleID                  types.String      `tfsdk:"match_rule_id"`
	MatchAction                  types.String      `tfsdk:"match_action"`
	MatchProcessPath             types.String      `tfsdk:"match_process_path"`
	RuleExist                    types.Bool        `tfsdk:"rule_exist"`
	EventCount                   types.Int64       `tfsdk:"event_count"`
	LatestFoundTime              types.String      `tfsdk:"latest_found_time"`
	LatestFoundTimeRFC3339       timetypes.RFC3339 `tfsdk:"latest_found_time_rfc3339"`
	RuleID                       types.String      `tfsdk:"rule_id"`
	MatchGroupName               types.String      `tfsdk:"match_group_name"`
	MatchRuleLevel               types.String      `tfsdk:"match_rule_level"`
	ContainerNetStatus           types.String      `tfsdk:"container_net_status"`
	ContainerNetSubStatus        types.String      `tfsdk:"container_net_sub_status"`
	ContainerIsolateOperationSrc types.String      `tfsdk:"container_isolate_operation_src"`
	ContainerStatus              types.String      `tfsdk:"container_status"`
	ClusterID                    types.String      `tfsdk:"cluster_id"`
	NodeType                     types.String      `tfsdk:"node_type"`
	PodName                      types.String      `tfsdk:"pod_name"`
	PodIP                        types.String      `tfsdk:"pod_ip"`
	NodeUniqueID                 types.String      `tfsdk:"node_unique_id"`
	PublicIP                     types.String      `tfsdk:"public_ip"`
	NodeName                     types.String      `tfsdk:"node_name"`
	NodeID                       types.String      `tfsdk:"node_id"`
	HostID                       types.String      `tfsdk:"host_id"`
	HostIP                       types.String      `tfsdk:"host_ip"`
	ClusterName                  types.String      `tfsdk:"cluster_name"`
	CmdLine                      types.String      `tfsdk:"cmd_line"`
}

// newTCSSListEventModel maps one listed event; absent fields are null.
func newTCSSListEventModel(e *tencentcloud.AbnormalProcessEventInfo, times *tcssTimes) tcssListEventModel {
	str := types.StringPointerValue
	return tcssListEventModel{
		ID: str(e.Id), ProcessPath: str(e.ProcessPath), EventType: str(e.EventType), MatchRuleName: str(e.MatchRuleName),
		FoundTime: str(e.FoundTime), ContainerName: str(e.ContainerName), ImageName: str(e.ImageName),
		Behavior: str(e.Behavior), Status: str(e.Status), ImageID: str(e.ImageId), ContainerID: str(e.ContainerId),
		Solution: str(e.Solution), Description: str(e.Description), MatchRuleID: str(e.MatchRuleId),
		MatchAction: str(e.MatchAction), MatchProcessPath: str(e.MatchProcessPath),
		RuleExist: types.BoolPointerValue(e.RuleExist), EventCount: types.Int64PointerValue(e.EventCount),
		LatestFoundTime: str(e.LatestFoundTime), RuleID: str(e.RuleId), MatchGroupName: str(e.MatchGroupName),
		MatchRuleLevel: str(e.MatchRuleLevel), ContainerNetStatus: str(e.ContainerNetStatus),
		ContainerNetSubStatus: str(e.ContainerNetSubStatus), ContainerIsolateOperationSrc: str(e.ContainerIsolateOperationSrc),
		ContainerStatus: str(e.ContainerStatus), ClusterID: str(e.ClusterID), NodeType: str(e.NodeType),
		PodName: str(e.PodName), PodIP: str(e.PodIP), NodeUniqueID: str(e.NodeUniqueID), PublicIP: str(e.PublicIP),
		NodeName: str(e.NodeName), NodeID: str(e.NodeID), HostID: str(e.HostID), HostIP: str(e.HostIP),
		ClusterName: str(e.ClusterName), CmdLine: str(e.CmdLine),
		FoundTimeRFC3339: times.rfc3339(e.FoundTime), LatestFoundTimeRFC3339: times.rfc3339(e.LatestFoundTime),
	}
}

// tcssKeptEvent is what a list read keeps of one event while pages arrive:
// the fields the rule_levels filter and the summary need, and the event
// itself, unless the read keeps only the summary.
type tcssKeptEvent struct {
	level, status, cluster *string
	listElement[tcssListEventModel]
}

// keepTCSSEvents keeps what a read needs of a page's events.
func keepTCSSEvents(events []tencentcloud.AbnormalProcessEventInfo) []tcssKeptEvent {
	kept := make([]tcssKeptEvent, len(events))
	for i := range events {
		e := &events[i]
		kept[i] = tcssKeptEvent{level: clonedString(e.MatchRuleLevel), status: clonedString(e.Status), cluster: clonedString(e.ClusterName)}
	}
	return kept
}

// tcssListEventCodec encodes one event as the schema's element of events.
var tcssListEventCodec = elementCodec[tcssListEventModel](NewTCSSAbnormalProcessesDataSource, "events")

// summarizeTCSSEvents counts the matched events.
func summarizeTCSSEvents(events []tcssKeptEvent) *tcssSummaryModel {
	s := &tcssSummaryModel{ByMatchRuleLevel: map[string]int64{}, ByStatus: map[string]int64{}, ByClusterName: map[string]int64{}}
	for i := range events {
		count(s.ByMatchRuleLevel, events[i].level)
		count(s.ByStatus, events[i].status)
		count(s.ByClusterName, events[i].cluster)
	}
	return s
}
