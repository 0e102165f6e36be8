package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/processevent"
)

type hssEventsModel struct {
	Region              types.String     `tfsdk:"region"`
	ProjectID           types.String     `tfsdk:"project_id"`
	EnterpriseProjectID types.String     `tfsdk:"enterprise_project_id"`
	LastDays            types.Number     `tfsdk:"last_days"`
	BeginTime           types.String     `tfsdk:"begin_time"`
	EndTime             types.String     `tfsdk:"end_time"`
	HostName            types.String     `tfsdk:"host_name"`
	HostIP              types.String     `tfsdk:"host_ip"`
	PrivateIP           types.String     `tfsdk:"private_ip"`
	HandleStatus        types.String     `tfsdk:"handle_status"`
	Severities          []types.String   `tfsdk:"severities"`
	MaxResults          types.Number     `tfsdk:"max_results"`
	TotalNum            types.Int64      `tfsdk:"total_num"`
	Summary             *hssSummaryModel `tfsdk:"summary"`
	// Events is nil under the protocol server, which encodes the list itself
	// (protocol_server.go).
	Events []hssEventModel `tfsdk:"events"`
}

type hssSummaryModel struct {
	BySeverity             map[string]int64  `tfsdk:"by_severity"`
	ByHostName             map[string]int64  `tfsdk:"by_host_name"`
	ByHandleStatus         map[string]int64  `tfsdk:"by_handle_status"`
	NewestOccurTimeRFC3339 timetypes.RFC3339 `tfsdk:"newest_occur_time_rfc3339"`
}

type hssEventModel struct {
	EventID           types.String            `tfsdk:"event_id"`
	EventClassID      types.String            `tfsdk:"event_class_id"`
	EventType         types.Int64             `tfsdk:"event_type"`
	EventName         types.String            `tfsdk:"event_name"`
	Severity          types.String            `tfsdk:"severity"`
	HostName          types.String            `tfsdk:"host_name"`
	HostID            types.String            `tfsdk:"host_id"`
	PrivateIP         types.String            `tfsdk:"private_ip"`
	PublicIP          types.String            `tfsdk:"public_ip"`
	AttackPhase       types.String            `tfsdk:"attack_phase"`
	AttackTag         types.String            `tfsdk:"attack_tag"`
	OccurTime         types.Int64             `tfsdk:"occur_time"`
	OccurTimeRFC3339  timetypes.RFC3339       `tfsdk:"occur_time_rfc3339"`
	HandleTime        types.Int64             `tfsdk:"handle_time"`
	HandleTimeRFC3339 timetypes.RFC3339       `tfsdk:"handle_time_rfc3339"`
	HandleStatus      types.String            `tfsdk:"handle_status"`
	HandleMethod      types.String            `tfsdk:"handle_method"`
	OperateAcceptList []types.String          `tfsdk:"operate_accept_list"`
	OperateDetailList []hssOperateDetailModel `tfsdk:"operate_detail_list"`
	ResourceInfo      *hssResourceInfoModel   `tfsdk:"resource_info"`
	Recommendation    types.String            `tfsdk:"recommendation"`
	ProcessInfo       []hssProcessModel       `tfsdk:"process_info"`
	PolicyID          types.String            `tfsdk:"policy_id"`
	PolicyName        types.String            `tfsdk:"policy_name"`
	OsType            types.String            `tfsdk:"os_type"`
	AssetValue        types.String            `tfsdk:"asset_value"`
	HostStatus        types.String            `tfsdk:"host_status"`
	AgentStatus       types.String            `tfsdk:"agent_status"`
	ProtectStatus     types.String            `tfsdk:"protect_status"`
}

type hssOperateDetailModel struct {
	AgentID       types.String `tfsdk:"agent_id"`
	ProcessPid    types.Int64  `tfsdk:"process_pid"`
	FileHash      types.String `tfsdk:"file_hash"`
	FilePath      types.String `tfsdk:"file_path"`
	FileAttr      types.String `tfsdk:"file_attr"`
	PrivateIP     types.String `tfsdk:"private_ip"`
	LoginIP       types.String `tfsdk:"login_ip"`
	LoginUserName types.String `tfsdk:"login_user_name"`
}

type hssResourceInfoModel struct {
	DomainID            types.String `tfsdk:"domain_id"`
	ProjectID           types.String `tfsdk:"project_id"`
	EnterpriseProjectID types.String `tfsdk:"enterprise_project_id"`
	RegionName          types.String `tfsdk:"region_name"`
	VpcID               types.String `tfsdk:"vpc_id"`
	CloudID             types.String `tfsdk:"cloud_id"`
	VMName              types.String `tfsdk:"vm_name"`
	VMUUID              types.String `tfsdk:"vm_uuid"`
	ContainerID         types.String `tfsdk:"container_id"`
	ImageID             types.String `tfsdk:"image_id"`
	ImageName           types.String `tfsdk:"image_name"`
	HostAttr            types.String `tfsdk:"host_attr"`
	Service             types.String `tfsdk:"service"`
	MicroService        types.String `tfsdk:"micro_service"`
	SysArch             types.String `tfsdk:"sys_arch"`
	OsBit               types.String `tfsdk:"os_bit"`
	OsType              types.String `tfsdk:"os_type"`
	OsName              types.String `tfsdk:"os_name"`
	HostName            types.String `tfsdk:"host_name"`
	HostIP              types.String `tfsdk:"host_ip"`
	PublicIP            types.String `tfsdk:"public_ip"`
	HostID              types.String `tfsdk:"host_id"`
	PodUID              types.String `tfsdk:"pod_uid"`
	PodName             types.String `tfsdk:"pod_name"`
	Namespace           types.String `tfsdk:"namespace"`
	ClusterID           types.String `tfsdk:"cluster_id"`
	ClusterName         types.String `tfsdk:"cluster_name"`
	AssetValue          types.String `tfsdk:"asset_value"`
	ContainerStatus     types.String `tfsdk:"container_status"`
	OsVersion           types.String `tfsdk:"os_version"`
	AgentVersion        types.String `tfsdk:"agent_version"`
}

type hssProcessModel struct {
	ProcessName            types.String `tfsdk:"process_name"`
	ProcessPath            types.String `tfsdk:"process_path"`
	ProcessPid             types.Int64  `tfsdk:"process_pid"`
	ProcessUID             types.Int64  `tfsdk:"process_uid"`
	ProcessUsername        types.String `tfsdk:"process_username"`
	ProcessCmdline         types.String `tfsdk:"process_cmdline"`
	ProcessFilename        types.String `tfsdk:"process_filename"`
	ProcessStartTime       types.Int64  `tfsdk:"process_start_time"`
	ProcessGid             types.Int64  `tfsdk:"process_gid"`
	ProcessEgid            types.Int64  `tfsdk:"process_egid"`
	ProcessEuid            types.Int64  `tfsdk:"process_euid"`
	ParentProcessName      types.String `tfsdk:"parent_process_name"`
	ParentProcessPath      types.String `tfsdk:"parent_process_path"`
	ParentProcessPid       types.Int64  `tfsdk:"parent_process_pid"`
	ParentProcessUID       types.Int64  `tfsdk:"parent_process_uid"`
	ParentProcessCmdline   types.String `tfsdk:"parent_process_cmdline"`
	ParentProcessFilename  types.String `tfsdk:"parent_process_filename"`
	ParentProcessStartTime types.Int64  `tfsdk:"parent_process_start_time"`
	ParentProcessGid       types.Int64  `tfsdk:"parent_process_gid"`
	ParentProcessEgid      types.Int64  `tfsdk:"parent_process_egid"`
	ParentProcessEuid      types.Int64  `tfsdk:"parent_process_euid"`
	ChildProcessName       types.String `tfsdk:"child_process_name"`
	ChildProcessPath       types.String `tfsdk:"child_process_path"`
	ChildProcessPid        types.Int64  `tfsdk:"child_process_pid"`
	ChildProcessUID        types.Int64  `tfsdk:"child_process_uid"`
	ChildProcessCmdline    types.String `tfsdk:"child_process_cmdline"`
	ChildProcessFilename   types.String `tfsdk:"child_process_filename"`
	ChildProcessStartTime  types.Int64  `tfsdk:"child_process_start_time"`
	ChildProcessGid        types.Int64  `tfsdk:"child_process_gid"`
	ChildProcessEgid       types.Int64  `tfsdk:"child_process_egid"`
	ChildProcessEuid       types.Int64  `tfsdk:"child_process_euid"`
	VirtCmd                types.String `tfsdk:"virt_cmd"`
	VirtProcessName        types.String `tfsdk:"virt_process_name"`
	EscapeMode             types.String `tfsdk:"escape_mode"`
	EscapeCmd              types.String `tfsdk:"escape_cmd"`
	ProcessHash            types.String `tfsdk:"process_hash"`
	Mode                   types.String `tfsdk:"mode"`
	Rule                   types.Int64  `tfsdk:"rule"`
	Score                  types.Int64  `tfsdk:"score"`
	ProcessFileHash        types.String `tfsdk:"process_file_hash"`
	ParentProcessFileHash  types.String `tfsdk:"parent_process_file_hash"`
	AncestorProcessPid     types.Int64  `tfsdk:"ancestor_process_pid"`
	AncestorProcessCmdline types.String `tfsdk:"ancestor_process_cmdline"`
	AncestorProcessPath    types.String `tfsdk:"ancestor_process_path"`
	OperateType            types.Int64  `tfsdk:"operate_type"`
	SessionID              types.Int64  `tfsdk:"session_id"`
}

// msRFC3339 is the RFC 3339 (UTC) companion of an API millisecond time;
// null for a time RFC 3339 cannot write (before year 0 or after 9999).
func msRFC3339(ms *int64) timetypes.RFC3339 { return rfc3339Of(processevent.Millis(ms)) }

func stringList(values []string) []types.String {
	if values == nil {
		return nil
	}
	out := make([]types.String, len(values))
	for i, v := range values {
		out[i] = types.StringValue(v)
	}
	return out
}

// newHSSEventModel maps one API event; absent fields are null.
func newHSSEventModel(e *huaweicloud.AppWhitelistEventResponseInfo) hssEventModel {
	str, i64 := types.StringPointerValue, types.Int64PointerValue
	m := hssEventModel{
		EventID: str(e.EventID), EventClassID: str(e.EventClassID), EventType: i64(e.EventType),
		EventName: str(e.EventName), Severity: str(e.Severity), HostName: str(e.HostName), HostID: str(e.HostID),
		PrivateIP: str(e.PrivateIP), PublicIP: str(e.PublicIP), AttackPhase: str(e.AttackPhase),
		AttackTag: str(e.AttackTag), OccurTime: i64(e.OccurTime), OccurTimeRFC3339: msRFC3339(e.OccurTime),
		HandleTime: i64(e.HandleTime), HandleTimeRFC3339: msRFC3339(e.HandleTime), HandleStatus: str(e.HandleStatus),
		HandleMethod: str(e.HandleMethod), OperateAcceptList: stringList(e.OperateAcceptList),
		Recommendation: str(e.Recommendation), PolicyID: str(e.PolicyID), PolicyName: str(e.PolicyName),
		OsType: str(e.OsType), AssetValue: str(e.AssetValue), HostStatus: str(e.HostStatus),
		AgentStatus: str(e.AgentStatus), ProtectStatus: str(e.ProtectStatus),
	}
	if e.OperateDetailList != nil {
		m.OperateDetailList = make([]hssOperateDetailModel, len(e.OperateDetailList))
		for i, d := range e.OperateDetailList {
			m.OperateDetailList[i] = hssOperateDetailModel{
				AgentID: str(d.AgentID), ProcessPid: i64(d.ProcessPid), FileHash: str(d.FileHash), FilePath: str(d.FilePath),
				FileAttr: str(d.FileAttr), PrivateIP: str(d.PrivateIP), LoginIP: str(d.LoginIP), LoginUserName: str(d.LoginUserName),
			}
		}
	}
	if r := e.ResourceInfo; r != nil {
		m.ResourceInfo = &hssResourceInfoModel{
			DomainID: str(r.DomainID), ProjectID: str(r.ProjectID), EnterpriseProjectID: str(r.EnterpriseProjectID),
			RegionName: str(r.RegionName), VpcID: str(r.VpcID), CloudID: str(r.CloudID), VMName: str(r.VMName),
			VMUUID: str(r.VMUUID), ContainerID: str(r.ContainerID), ImageID: str(r.ImageID), ImageName: str(r.ImageName),
			HostAttr: str(r.HostAttr), Service: str(r.Service), MicroService: str(r.MicroService), SysArch: str(r.SysArch),
			OsBit: str(r.OsBit), OsType: str(r.OsType), OsName: str(r.OsName), HostName: str(r.HostName),
			HostIP: str(r.HostIP), PublicIP: str(r.PublicIP), HostID: str(r.HostID), PodUID: str(r.PodUID),
			PodName: str(r.PodName), Namespace: str(r.Namespace), ClusterID: str(r.ClusterID),
			ClusterName: str(r.ClusterName), AssetValue: str(r.AssetValue), ContainerStatus: str(r.ContainerStatus),
			OsVersion: str(r.OsVersion), AgentVersion: str(r.AgentVersion),
		}
	}
	if processes := e.Processes(); processes != nil {
		m.ProcessInfo = make([]hssProcessModel, len(processes))
		for i := range processes {
			p := &processes[i]
			m.ProcessInfo[i] = hssProcessModel{
				ProcessName: str(p.ProcessName), ProcessPath: str(p.ProcessPath), ProcessPid: i64(p.ProcessPid),
				ProcessUID: i64(p.ProcessUID), ProcessUsername: str(p.ProcessUsername), ProcessCmdline: str(p.ProcessCmdline),
				ProcessFilename: str(p.ProcessFilename), ProcessStartTime: i64(p.ProcessStartTime), ProcessGid: i64(p.ProcessGid),
				ProcessEgid: i64(p.ProcessEgid), ProcessEuid: i64(p.ProcessEuid), ParentProcessName: str(p.ParentProcessName),
				ParentProcessPath: str(p.ParentProcessPath), ParentProcessPid: i64(p.ParentProcessPid),
				ParentProcessUID: i64(p.ParentProcessUID), ParentProcessCmdline: str(p.ParentProcessCmdline),
				ParentProcessFilename: str(p.ParentProcessFilename), ParentProcessStartTime: i64(p.ParentProcessStartTime),
				ParentProcessGid: i64(p.ParentProcessGid), ParentProcessEgid: i64(p.ParentProcessEgid),
				ParentProcessEuid: i64(p.ParentProcessEuid), ChildProcessName: str(p.ChildProcessName),
				ChildProcessPath: str(p.ChildProcessPath), ChildProcessPid: i64(p.ChildProcessPid),
				ChildProcessUID: i64(p.ChildProcessUID), ChildProcessCmdline: str(p.ChildProcessCmdline),
				ChildProcessFilename: str(p.ChildProcessFilename), ChildProcessStartTime: i64(p.ChildProcessStartTime),
				ChildProcessGid: i64(p.ChildProcessGid), ChildProcessEgid: i64(p.ChildProcessEgid),
				ChildProcessEuid: i64(p.ChildProcessEuid), VirtCmd: str(p.VirtCmd), VirtProcessName: str(p.VirtProcessName),
				EscapeMode: str(p.EscapeMode), EscapeCmd: str(p.EscapeCmd), ProcessHash: str(p.ProcessHash), Mode: str(p.Mode),
				Rule: i64(p.Rule), Score: i64(p.Score), ProcessFileHash: str(p.ProcessFileHash),
				ParentProcessFileHash: str(p.ParentProcessFileHash), AncestorProcessPid: i64(p.AncestorProcessPid),
				AncestorProcessCmdline: str(p.AncestorProcessCmdline), AncestorProcessPath: str(p.AncestorProcessPath),
				OperateType: i64(p.OperateType), SessionID: i64(p.SessionID),
			}
		}
	}
	return m
}

// hssKeptEvent is what a read keeps of one event while pages arrive: the
// fields the severities filter and the summary need, and the event itself.
type hssKeptEvent struct {
	severity, hostName, handleStatus *string
	occurTime                        *int64
	listElement[hssEventModel]
}

// keepHSSEvents keeps a page's events, with elements their list elements.
func keepHSSEvents(events []huaweicloud.AppWhitelistEventResponseInfo, elements []listElement[hssEventModel]) []hssKeptEvent {
	kept := make([]hssKeptEvent, len(events))
	for i := range events {
		e := &events[i]
		kept[i] = hssKeptEvent{
			severity: clonedString(e.Severity), hostName: clonedString(e.Host()), // by_host_name: as device.hostname
			handleStatus: clonedString(e.HandleStatus), occurTime: e.OccurTime,
		}
		if elements != nil {
			kept[i].listElement = elements[i]
		}
	}
	return kept
}

// clonedString copies a string so that keeping it keeps nothing else alive.
func clonedString(s *string) *string {
	if s == nil {
		return nil
	}
	c := strings.Clone(*s)
	return &c
}

// keepHSSEventModels keeps a page as models, for the framework's path.
func keepHSSEventModels(page huaweicloud.Page) ([]hssKeptEvent, error) {
	events := page.Events
	return keepHSSEvents(events, keepModels(len(events), func(i int) hssEventModel { return newHSSEventModel(&events[i]) })), nil
}

// keepHSSEventSummaries keeps only what the summary needs: max_results = 0
// holds no event in state.
func keepHSSEventSummaries(page huaweicloud.Page) ([]hssKeptEvent, error) {
	return keepHSSEvents(page.Events, nil), nil
}

// keepHSSEventsEncoded keeps each page as the msgpack of its events' state,
// counted against budget with the events that severities keeps.
func keepHSSEventsEncoded(budget *stateBudget, severities []types.String) huaweicloud.Keep[hssKeptEvent] {
	wanted := matcher(severities)
	return func(page huaweicloud.Page) ([]hssKeptEvent, error) {
		codec, err := hssEventCodec()
		if err != nil {
			return nil, err
		}
		events := page.Events
		elements, err := keepEncoded(codec, len(events), func(i int) hssEventModel { return newHSSEventModel(&events[i]) })
		if err != nil {
			return nil, err
		}
		kept := keepHSSEvents(events, elements)
		return kept, budget.add(page.Window, page.Total, len(kept), func(i int) (int, bool) {
			return len(kept[i].encoded), wanted(kept[i].severity)
		})
	}
}

// hssEventCodec encodes one event as the schema's element of events.
var hssEventCodec = elementCodec[hssEventModel](NewHSSAppWhitelistEventsDataSource, "events")

// hssListElements are the list elements of kept events.
func hssListElements(events []hssKeptEvent) []listElement[hssEventModel] {
	elements := make([]listElement[hssEventModel], len(events))
	for i := range events {
		elements[i] = events[i].listElement
		events[i].listElement = listElement[hssEventModel]{}
	}
	return elements
}

// summarizeHSSEvents counts the matched events.
func summarizeHSSEvents(events []hssKeptEvent) *hssSummaryModel {
	s := &hssSummaryModel{
		BySeverity: map[string]int64{}, ByHostName: map[string]int64{}, ByHandleStatus: map[string]int64{},
		NewestOccurTimeRFC3339: timetypes.NewRFC3339Null(),
	}
	var newest *int64
	for i := range events {
		e := &events[i]
		count(s.BySeverity, e.severity)
		count(s.ByHostName, e.hostName)
		count(s.ByHandleStatus, e.handleStatus)
		if e.occurTime != nil && (newest == nil || *e.occurTime > *newest) {
			newest = e.occurTime
		}
	}
	if newest != nil {
		s.NewestOccurTimeRFC3339 = msRFC3339(newest)
	}
	return s
}

func count(m map[string]int64, key *string) {
	if key != nil {
		m[*key]++
	}
}
