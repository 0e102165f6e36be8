// Package processevent is the process event of both clouds in one plain Go
// shape: the two clouds' mapping tables, and the event both cwpp_process_events
// (a Terraform model) and cwpp_ocsf_findings (OCSF Detection Findings) are
// made from. One mapping, two outputs.
package processevent

import (
	"path"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// The clouds, as the data sources name them.
const (
	Tencent = "tencentcloud"
	Huawei  = "huaweicloud"
)

// The normalized vocabulary, OCSF's: severity_id 1 informational to 5
// critical; a finding's status_id 1 new, 3 suppressed, 4 resolved; 0 unknown
// for an absent native value (OCSF's "not known"), 99 other for a native
// value the table does not know (kept as Native).
const (
	Unknown = "unknown"
	Other   = "other"
	OtherID = 99
)

var (
	// SeverityIDs and StatusIDs are the OCSF ids of the normalized words.
	SeverityIDs = map[string]int64{"informational": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
	StatusIDs   = map[string]int64{"new": 1, "suppressed": 3, "resolved": 4}

	// The mapping tables, one per cloud (docs/data-sources/process_events.md).
	TCSSSeverities = map[string]string{"HIGH": "high", "MIDDLE": "medium", "LOW": "low"}
	TCSSStatuses   = map[string]string{"EVENT_UNDEAL": "new", "EVENT_DEALED": "resolved", "EVENT_INGNORE": "suppressed"}
	HSSSeverities  = map[string]string{"Critical": "critical", "High": "high", "Medium": "medium", "Low": "low", "Security": "informational"}
	HSSStatuses    = map[string]string{"unhandled": "new", "handled": "resolved"}
)

// Value is a normalized severity or status: the word, its OCSF id, and the
// cloud's own value (nil when the cloud sent none).
type Value struct {
	Name   string
	ID     int64
	Native *string
}

// Normalize maps a native value through table: absent is unknown (0), a
// value the table does not know is other (99).
func Normalize(native *string, table map[string]string, ids map[string]int64) Value {
	if native == nil || *native == "" {
		return Value{Name: Unknown, ID: 0, Native: native}
	}
	if v, ok := table[*native]; ok {
		return Value{Name: v, ID: ids[v], Native: native}
	}
	return Value{Name: Other, ID: OtherID, Native: native}
}

// Event is one process event of either cloud. A nil pointer is a value the
// cloud did not send (or, for a time, sent in a form that does not read).
type Event struct {
	Cloud string
	// Region is the region the event was read from.
	Region string
	ID     *string
	// Time is when the event was found (TCSS FoundTime) or occurred (HSS
	// occur_time); FirstSeen and LastSeen as the clouds count recurrences.
	Time, FirstSeen, LastSeen *time.Time
	Count                     *int64
	Severity, Status          Value
	Title, Description        *string
	Device                    *Device
	Container                 *Container
	// Processes are the event's processes, each with its parent: TCSS one,
	// without a pid; HSS each entry of process_info.
	Processes []Process

	// The native event, for what has no normalized home: one of the two.
	TCSS *tencentcloud.AbnormalProcessEventInfo
	HSS  *huaweicloud.AppWhitelistEventResponseInfo
}

// Device is the host.
type Device struct{ Hostname, IP, UID *string }

// Container is the container and its image.
type Container struct{ UID, Name, ImageName, ImageID *string }

// Process is one process; Parent is its parent, when the cloud names one.
type Process struct {
	Name, Path, CmdLine, User *string
	PID, UserID               *int64
	Parent                    *Process
}

// Seen is the time a range and the list's order use: LastSeen or FirstSeen.
func (e *Event) Seen(lastSeen bool) *time.Time {
	if lastSeen {
		return e.LastSeen
	}
	return e.FirstSeen
}

// FromTCSS maps a TCSS list item (the TCSS table). parse reads TCSS's
// zone-less times in the read's zone.
func FromTCSS(e *tencentcloud.AbnormalProcessEventInfo, parse func(*string) (time.Time, bool)) Event {
	at := func(s *string) *time.Time {
		if t, ok := parse(s); ok {
			return &t
		}
		return nil
	}
	found := at(e.FoundTime)
	ev := Event{
		Cloud: Tencent, ID: e.Id, Time: found, FirstSeen: found, LastSeen: at(e.LatestFoundTime), Count: e.EventCount,
		Severity: Normalize(e.MatchRuleLevel, TCSSSeverities, SeverityIDs), Status: Normalize(e.Status, TCSSStatuses, StatusIDs),
		Title: e.MatchRuleName, Description: e.Description, TCSS: e,
	}
	if anySet(e.NodeName, e.HostIP, e.HostID) {
		ev.Device = &Device{Hostname: e.NodeName, IP: e.HostIP, UID: e.HostID}
	}
	if anySet(e.ContainerId, e.ContainerName, e.ImageName, e.ImageId) {
		ev.Container = &Container{UID: e.ContainerId, Name: e.ContainerName, ImageName: e.ImageName, ImageID: e.ImageId}
	}
	if anySet(e.ProcessPath, e.CmdLine) {
		p := Process{Path: e.ProcessPath, CmdLine: e.CmdLine}
		if e.ProcessPath != nil && *e.ProcessPath != "" {
			name := path.Base(*e.ProcessPath)
			p.Name = &name
		}
		ev.Processes = []Process{p}
	}
	return ev
}

// FromHSS maps an HSS event (the HSS table).
func FromHSS(e *huaweicloud.AppWhitelistEventResponseInfo) Event {
	occurred := Millis(e.OccurTime)
	ev := Event{
		Cloud: Huawei, ID: e.EventID, Time: occurred, FirstSeen: occurred, LastSeen: occurred,
		Severity: Normalize(e.Severity, HSSSeverities, SeverityIDs), Status: Normalize(e.HandleStatus, HSSStatuses, StatusIDs),
		Title: e.EventName, HSS: e,
	}
	if host, ip := e.Host(), e.IP(); anySet(host, ip, e.HostID) {
		ev.Device = &Device{Hostname: host, IP: ip, UID: e.HostID}
	}
	if r := e.ResourceInfo; r != nil && anySet(r.ContainerID, r.ImageName, r.ImageID) {
		ev.Container = &Container{UID: r.ContainerID, ImageName: r.ImageName, ImageID: r.ImageID}
	}
	for _, p := range e.Processes() {
		proc := Process{Name: p.ProcessName, Path: p.ProcessPath, PID: p.ProcessPid, CmdLine: p.ProcessCmdline,
			User: p.ProcessUsername, UserID: p.ProcessUID}
		if parent := (Process{Name: p.ParentProcessName, Path: p.ParentProcessPath, PID: p.ParentProcessPid,
			CmdLine: p.ParentProcessCmdline, UserID: p.ParentProcessUID}); anySet(parent.Name, parent.Path, parent.CmdLine) || anySet(parent.PID, parent.UserID) {
			proc.Parent = &parent
		}
		ev.Processes = append(ev.Processes, proc)
	}
	return ev
}

// Millis reads milliseconds since the epoch, in UTC; nil outside years 0 to
// 9999, which RFC 3339 cannot write.
func Millis(ms *int64) *time.Time {
	if ms == nil {
		return nil
	}
	t := time.UnixMilli(*ms).UTC()
	if t.Year() < 0 || t.Year() > 9999 {
		return nil
	}
	return &t
}

// anySet says whether the cloud sent any of the values.
func anySet[T any](values ...*T) bool {
	for _, v := range values {
		if v != nil {
			return true
		}
	}
	return false
}
