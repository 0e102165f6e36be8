package provider

import (
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/processevent"
)

// The clouds, as the data sources name them, and the normalized words of
// an absent native value and of one the mapping does not know.
const (
	cloudTencent = processevent.Tencent
	cloudHuawei  = processevent.Huawei
	unknown      = processevent.Unknown
	other        = processevent.Other
)

// processEventsArgs are the arguments of cwpp_process_events, which
// cwpp_ocsf_findings shares.
type processEventsArgs struct {
	Clouds     []types.String `tfsdk:"clouds"`
	LastDays   types.Number   `tfsdk:"last_days"`
	BeginTime  types.String   `tfsdk:"begin_time"`
	EndTime    types.String   `tfsdk:"end_time"`
	Severities []types.String `tfsdk:"severities"`
	Statuses   []types.String `tfsdk:"statuses"`
	MaxResults types.Number   `tfsdk:"max_results"`
	TimeField  types.String   `tfsdk:"time_field"`
	// EnterpriseProjectID is HSS's.
	EnterpriseProjectID types.String `tfsdk:"enterprise_project_id"`
}

type processEventsModel struct {
	processEventsArgs
	Summary *processSummaryModel `tfsdk:"summary"`
	Events  []processEventModel  `tfsdk:"events"`
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

// normalized is a normalized value's word and id.
func normalized(v processevent.Value) (types.String, types.Int64) {
	return types.StringValue(v.Name), types.Int64Value(v.ID)
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

// rfc3339Of is a time's companion, its fraction of a second kept (events of
// one second must not compare equal); null for nil.
func rfc3339Of(t *time.Time) timetypes.RFC3339 {
	if t == nil {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.NewRFC3339ValueMust(t.Format(time.RFC3339Nano))
}

// newProcessEventModel is an event as an element of cwpp_process_events.
func newProcessEventModel(e *processevent.Event) processEventModel {
	str := types.StringPointerValue
	m := processEventModel{
		Cloud: types.StringValue(e.Cloud), EventID: str(e.ID), TimeRFC3339: rfc3339Of(e.Time),
		FirstSeen: rfc3339Of(e.FirstSeen), LastSeen: rfc3339Of(e.LastSeen), Count: types.Int64PointerValue(e.Count),
		Title: str(e.Title), Description: str(e.Description),
		NativeSeverity: str(e.Severity.Native), NativeStatus: str(e.Status.Native),
	}
	m.Severity, m.SeverityID = normalized(e.Severity)
	m.Status, m.StatusID = normalized(e.Status)
	if d := e.Device; d != nil {
		m.Device = &processDeviceModel{Hostname: str(d.Hostname), IP: str(d.IP), UID: str(d.UID)}
	}
	if c := e.Container; c != nil {
		if model := (processContainerModel{UID: str(c.UID), Name: str(c.Name), ImageName: str(c.ImageName)}); anySet(model.UID, model.Name, model.ImageName) {
			m.Container = &model
		}
	}
	if len(e.Processes) > 0 {
		p := &e.Processes[0]
		proc := processModel{Name: str(p.Name), Path: str(p.Path), PID: types.Int64PointerValue(p.PID), CmdLine: str(p.CmdLine), User: str(p.User)}
		if anySet(proc.Name, proc.Path, proc.PID, proc.CmdLine, proc.User) {
			m.Process = &proc
		}
		if parent := p.Parent; parent != nil {
			model := processParentModel{Name: str(parent.Name), Path: str(parent.Path), PID: types.Int64PointerValue(parent.PID)}
			if anySet(model.Name, model.Path, model.PID) {
				m.ParentProcess = &model
			}
		}
	}
	return m
}

// processKeptEvent is what a read keeps of one event while pages arrive:
// its cloud and id, its time, which orders the list and places it in the
// range, what the filters and the summary need, and the event as its data
// source outputs it: cwpp_process_events' list element (its model, or its
// state's msgpack), cwpp_ocsf_findings' finding JSON in encoded.
type processKeptEvent struct {
	cloud, id        string
	hasID            bool
	at               time.Time
	hasTime          bool
	severity, status string
	listElement[processEventModel]
}

// keptProcessEvent keeps what a read needs of one event, ordered by seen.
func keptProcessEvent(e *processevent.Event, seen *time.Time) processKeptEvent {
	k := processKeptEvent{cloud: e.Cloud, severity: e.Severity.Name, status: e.Status.Name, hasTime: seen != nil, hasID: e.ID != nil}
	if e.ID != nil {
		k.id = strings.Clone(*e.ID)
	}
	if seen != nil {
		k.at = *seen
	}
	return k
}
