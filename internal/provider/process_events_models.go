package provider

import (
	"path"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// The OCSF-aligned vocabulary of cwpp_process_events: severity_id 1
// informational to 5 critical, a finding's status_id 1 new, 3 suppressed, 4
// resolved; 0 unknown for an absent native value (OCSF's "not known"), 99
// other for a native value the table does not know (kept in native_*).
const (
	cloudTencent = "tencentcloud"
	cloudHuawei  = "huaweicloud"
	unknown      = "unknown"
	other        = "other"
	otherID      = 99
)

var (
	processSeverityIDs = map[string]int64{"informational": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
	processStatusIDs   = map[string]int64{"new": 1, "suppressed": 3, "resolved": 4}

	// The mapping tables, one per cloud (docs/data-sources/process_events.md).
	tcssSeverities = map[string]string{"HIGH": "high", "MIDDLE": "medium", "LOW": "low"}
	tcssStatusOf   = map[string]string{"EVENT_UNDEAL": "new", "EVENT_DEALED": "resolved", "EVENT_INGNORE": "suppressed"}
	hssSeverityOf  = map[string]string{"Critical": "critical", "High": "high", "Medium": "medium", "Low": "low", "Security": "informational"}
	hssStatusOf    = map[string]string{"unhandled": "new", "handled": "resolved"}
)

type processEventsModel struct {
	Clouds     []types.String `tfsdk:"clouds"`
	LastDays   types.Number   `tfsdk:"last_days"`
	BeginTime  types.String   `tfsdk:"begin_time"`
	EndTime    types.String   `tfsdk:"end_time"`
	Severities []types.String `tfsdk:"severities"`
	Statuses   []types.String `tfsdk:"statuses"`
	MaxResults types.Number   `tfsdk:"max_results"`
	TimeField  types.String   `tfsdk:"time_field"`
	// EnterpriseProjectID is HSS's.
	EnterpriseProjectID types.String         `tfsdk:"enterprise_project_id"`
	Summary             *processSummaryModel `tfsdk:"summary"`
	Events              []processEventModel  `tfsdk:"events"`
}

type processSummaryModel struct {
	ByCloud           map[string]int64  `tfsdk:"by_cloud"`
	BySeverity        map[string]int64  `tfsdk:"by_severity"`
	ByStatus          map[string]int64  `tfsdk:"by_status"`
	NewestTimeRFC3339 timetypes.RFC3339 `tfsdk:"newest_time_rfc3339"`
}

type processEventModel struct {
	Cloud          types.String           `tfsdk:"cloud"`
	EventID        types.String           `tfsdk:"event_id"`
	TimeRFC3339    timetypes.RFC3339      `tfsdk:"time_rfc3339"`
	FirstSeen      timetypes.RFC3339      `tfsdk:"first_seen_rfc3339"`
	LastSeen       timetypes.RFC3339      `tfsdk:"last_seen_rfc3339"`
	Count          types.Int64            `tfsdk:"count"`
	Severity       types.String           `tfsdk:"severity"`
	SeverityID     types.Int64            `tfsdk:"severity_id"`
	Status         types.String           `tfsdk:"status"`
	StatusID       types.Int64            `tfsdk:"status_id"`
	Title          types.String           `tfsdk:"title"`
	Description    types.String           `tfsdk:"description"`
	NativeSeverity types.String           `tfsdk:"native_severity"`
	NativeStatus   types.String           `tfsdk:"native_status"`
	Device         *processDeviceModel    `tfsdk:"device"`
	Container      *processContainerModel `tfsdk:"container"`
	Process        *processModel          `tfsdk:"process"`
	ParentProcess  *processParentModel    `tfsdk:"parent_process"`
}

type processDeviceModel struct {
	Hostname types.String `tfsdk:"hostname"`
	IP       types.String `tfsdk:"ip"`
	UID      types.String `tfsdk:"uid"`
}

type processContainerModel struct {
	UID       types.String `tfsdk:"uid"`
	Name      types.String `tfsdk:"name"`
	ImageName types.String `tfsdk:"image_name"`
}

type processModel struct {
	Name    types.String `tfsdk:"name"`
	Path    types.String `tfsdk:"path"`
	PID     types.Int64  `tfsdk:"pid"`
	CmdLine types.String `tfsdk:"cmd_line"`
	User    types.String `tfsdk:"user"`
}

type processParentModel struct {
	Name types.String `tfsdk:"name"`
	Path types.String `tfsdk:"path"`
	PID  types.Int64  `tfsdk:"pid"`
}

// normalized maps a native value through table; an absent or unknown one is
// "unknown", id 0, and kept.
func normalized(native *string, table map[string]string, ids map[string]int64) (types.String, types.Int64) {
	if native == nil || *native == "" {
		return types.StringValue(unknown), types.Int64Value(0)
	}
	if v, ok := table[*native]; ok {
		return types.StringValue(v), types.Int64Value(ids[v])
	}
	return types.StringValue(other), types.Int64Value(otherID)
}

// anySet says whether any of the values is not null: an object whose
// fields are all null is itself null.
func anySet(values ...interface{ IsNull() bool }) bool {
	for _, v := range values {
		if !v.IsNull() {
			return true
		}
	}
	return false
}

// newTCSSProcessEvent maps a TCSS list item (the TCSS table).
func newTCSSProcessEvent(e *tencentcloud.AbnormalProcessEventInfo, times *tcssTimes) processEventModel {
	str := types.StringPointerValue
	m := processEventModel{
		Cloud: types.StringValue(cloudTencent), EventID: str(e.Id), TimeRFC3339: times.rfc3339(e.FoundTime),
		FirstSeen: times.rfc3339(e.FoundTime), LastSeen: times.rfc3339(e.LatestFoundTime), Count: types.Int64PointerValue(e.EventCount),
		Title: str(e.MatchRuleName), Description: str(e.Description),
		NativeSeverity: str(e.MatchRuleLevel), NativeStatus: str(e.Status),
	}
	m.Severity, m.SeverityID = normalized(e.MatchRuleLevel, tcssSeverities, processSeverityIDs)
	m.Status, m.StatusID = normalized(e.Status, tcssStatusOf, processStatusIDs)
	if d := (processDeviceModel{Hostname: str(e.NodeName), IP: str(e.HostIP), UID: str(e.HostID)}); anySet(d.Hostname, d.IP, d.UID) {
		m.Device = &d
	}
	if c := (processContainerModel{UID: str(e.ContainerId), Name: str(e.ContainerName), ImageName: str(e.ImageName)}); anySet(c.UID, c.Name, c.ImageName) {
		m.Container = &c
	}
	p := processModel{Path: str(e.ProcessPath), CmdLine: str(e.CmdLine), Name: types.StringNull(), PID: types.Int64Null(), User: types.StringNull()}
	if e.ProcessPath != nil && *e.ProcessPath != "" {
		p.Name = types.StringValue(path.Base(*e.ProcessPath))
	}
	if anySet(p.Path, p.CmdLine) {
		m.Process = &p
	}
	return m
}

// newHSSProcessEvent maps an HSS event (the HSS table).
func newHSSProcessEvent(e *huaweicloud.AppWhitelistEventResponseInfo) processEventModel {
	str := types.StringPointerValue
	m := processEventModel{
		Cloud: types.StringValue(cloudHuawei), EventID: str(e.EventID), TimeRFC3339: msRFC3339(e.OccurTime),
		FirstSeen: msRFC3339(e.OccurTime), LastSeen: msRFC3339(e.OccurTime), Count: types.Int64Null(),
		Title: str(e.EventName), Description: types.StringNull(),
		NativeSeverity: str(e.Severity), NativeStatus: str(e.HandleStatus),
	}
	m.Severity, m.SeverityID = normalized(e.Severity, hssSeverityOf, processSeverityIDs)
	m.Status, m.StatusID = normalized(e.HandleStatus, hssStatusOf, processStatusIDs)
	if d := (processDeviceModel{Hostname: str(e.Host()), IP: str(e.IP()), UID: str(e.HostID)}); anySet(d.Hostname, d.IP, d.UID) {
		m.Device = &d
	}
	if r := e.ResourceInfo; r != nil {
		if c := (processContainerModel{UID: str(r.ContainerID), Name: types.StringNull(), ImageName: str(r.ImageName)}); anySet(c.UID, c.ImageName) {
			m.Container = &c
		}
	}
	if procs := e.Processes(); len(procs) > 0 {
		p := &procs[0]
		proc := processModel{
			Name: str(p.ProcessName), Path: str(p.ProcessPath), PID: types.Int64PointerValue(p.ProcessPid),
			CmdLine: str(p.ProcessCmdline), User: str(p.ProcessUsername),
		}
		if anySet(proc.Name, proc.Path, proc.PID, proc.CmdLine, proc.User) {
			m.Process = &proc
		}
		parent := processParentModel{Name: str(p.ParentProcessName), Path: str(p.ParentProcessPath), PID: types.Int64PointerValue(p.ParentProcessPid)}
		if anySet(parent.Name, parent.Path, parent.PID) {
			m.ParentProcess = &parent
		}
	}
	return m
}

// processKeptEvent is what a read keeps of one event while pages arrive:
// its cloud and id, its time, which orders the list and places it in the
// range, what the filters and the summary need, and the event.
type processKeptEvent struct {
	cloud, id        string
	hasID            bool
	at               time.Time
	hasTime          bool
	severity, status string
	listElement[processEventModel]
}

// keptProcessEvent keeps one mapped event.
func keptProcessEvent(m *processEventModel, at time.Time, hasTime bool) processKeptEvent {
	return processKeptEvent{
		cloud: m.Cloud.ValueString(), id: strings.Clone(m.EventID.ValueString()), hasID: !m.EventID.IsNull(),
		at: at, hasTime: hasTime, severity: m.Severity.ValueString(), status: m.Status.ValueString(),
	}
}
