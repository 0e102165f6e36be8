// Package ocsf encodes process events as OCSF 1.8.0 Detection Findings
// (class 2004), the class for a security product's alert with a lifecycle.
// The mapping of each cloud's fields is on docs/data-sources/ocsf_findings.md;
// no value is invented to satisfy the schema: where a cloud lacks what an
// object requires, the object is left out and its fields go to unmapped.
package ocsf

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"path"
	"strconv"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/processevent"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// Version is the OCSF release the findings follow.
const Version = "1.8.0"

// The class, its category and the one activity a read reports: a finding
// as the cloud holds it now (Create), whatever its status.
const (
	classUID     = 2004
	className    = "Detection Finding"
	categoryUID  = 2
	categoryName = "Findings"
	activityID   = 1
	activityName = "Create"
	typeUID      = classUID*100 + activityID
	typeName     = className + ": " + activityName
	otherID      = 99
)

var (
	severityCaptions = map[int64]string{0: "Unknown", 1: "Informational", 2: "Low", 3: "Medium", 4: "High", 5: "Critical"}
	statusCaptions   = map[int64]string{0: "Unknown", 1: "New", 3: "Suppressed", 4: "Resolved"}
)

// source is what a finding says of the cloud that reported it.
type source struct {
	provider string // cloud.provider
	product  product
	logName  string // the API action the event was read with
}

var sources = map[string]source{
	processevent.Tencent: {provider: "Tencent Cloud", logName: tencentcloud.ActionDescribeAbnormalProcessEvents,
		product: product{Name: "Tencent Container Security Service", VendorName: "Tencent Cloud", UID: "tcss"}},
	processevent.Huawei: {provider: "Huawei Cloud", logName: huaweicloud.ActionListAppWhitelistEvent,
		product: product{Name: "Host Security Service", VendorName: "Huawei Cloud", UID: "hss"}},
}

// The finding and its objects: the attributes this mapping fills, named and
// typed as the schema has them.
type (
	finding struct {
		ActivityID   int             `json:"activity_id"`
		ActivityName string          `json:"activity_name"`
		CategoryUID  int             `json:"category_uid"`
		CategoryName string          `json:"category_name"`
		ClassUID     int             `json:"class_uid"`
		ClassName    string          `json:"class_name"`
		TypeUID      int             `json:"type_uid"`
		TypeName     string          `json:"type_name"`
		Time         int64           `json:"time"`
		TimeDT       string          `json:"time_dt"`
		Metadata     metadata        `json:"metadata"`
		Cloud        cloud           `json:"cloud"`
		FindingInfo  findingInfo     `json:"finding_info"`
		SeverityID   int64           `json:"severity_id"`
		Severity     string          `json:"severity"`
		StatusID     int64           `json:"status_id"`
		Status       string          `json:"status"`
		StatusCode   *string         `json:"status_code,omitempty"`
		Count        *int64          `json:"count,omitempty"`
		Device       *device         `json:"device,omitempty"`
		Evidences    []evidence      `json:"evidences,omitempty"`
		Remediation  *remediation    `json:"remediation,omitempty"`
		Unmapped     json.RawMessage `json:"unmapped,omitempty"`
	}
	metadata struct {
		Version  string   `json:"version"`
		Product  product  `json:"product"`
		Profiles []string `json:"profiles"`
		LogName  string   `json:"log_name"`
	}
	product struct {
		Name       string `json:"name"`
		VendorName string `json:"vendor_name"`
		UID        string `json:"uid"`
	}
	cloud struct {
		Provider   string  `json:"provider"`
		Region     string  `json:"region,omitempty"`
		ProjectUID *string `json:"project_uid,omitempty"`
	}
	findingInfo struct {
		UID             string  `json:"uid"`
		Title           *string `json:"title,omitempty"`
		Desc            *string `json:"desc,omitempty"`
		FirstSeenTime   *int64  `json:"first_seen_time,omitempty"`
		FirstSeenTimeDT string  `json:"first_seen_time_dt,omitempty"`
		LastSeenTime    *int64  `json:"last_seen_time,omitempty"`
		LastSeenTimeDT  string  `json:"last_seen_time_dt,omitempty"`
	}
	device struct {
		TypeID   int     `json:"type_id"`
		Type     string  `json:"type"`
		Hostname *string `json:"hostname,omitempty"`
		IP       *string `json:"ip,omitempty"`
		UID      *string `json:"uid,omitempty"`
	}
	evidence struct {
		Process   *process   `json:"process,omitempty"`
		File      *file      `json:"file,omitempty"`
		Container *container `json:"container,omitempty"`
		Device    *device    `json:"device,omitempty"`
	}
	process struct {
		PID           *int64   `json:"pid"`
		Name          *string  `json:"name,omitempty"`
		CmdLine       *string  `json:"cmd_line,omitempty"`
		File          *file    `json:"file,omitempty"`
		User          *user    `json:"user,omitempty"`
		ParentProcess *process `json:"parent_process,omitempty"`
	}
	file struct {
		Name   string  `json:"name"`
		Path   *string `json:"path,omitempty"`
		TypeID int     `json:"type_id"`
		Type   string  `json:"type"`
	}
	user struct {
		Name *string `json:"name,omitempty"`
		UID  *string `json:"uid,omitempty"`
	}
	container struct {
		UID   *string `json:"uid,omitempty"`
		Name  *string `json:"name,omitempty"`
		Image *image  `json:"image,omitempty"`
	}
	image struct {
		UID  string  `json:"uid"`
		Name *string `json:"name,omitempty"`
	}
	remediation struct {
		Desc string `json:"desc"`
	}
)

// EventError says why an event cannot be a finding.
type EventError struct {
	Product string // the cloud's service
	EventID string // "" when the event has none
	Reason  string
}

func (e *EventError) Error() string {
	if e.EventID == "" {
		return e.Product + " returned an event without an id: " + e.Reason
	}
	return e.Product + " event " + e.EventID + ": " + e.Reason
}

// Encode is the event as one finding, JSON. An event without an id or any
// time cannot be a finding (finding_info.uid and time are required): an
// *EventError names it.
func Encode(e *processevent.Event) ([]byte, error) {
	f, err := newFinding(e)
	if err != nil {
		return nil, err
	}
	return json.Marshal(f)
}

func newFinding(e *processevent.Event) (*finding, error) {
	src, ok := sources[e.Cloud]
	if !ok {
		return nil, fmt.Errorf("no OCSF source for cloud %q", e.Cloud)
	}
	if e.ID == nil {
		return nil, &EventError{Product: src.product.Name, Reason: "an OCSF finding requires finding_info.uid"}
	}
	at := e.Time
	if at == nil {
		at = e.LastSeen // the only other time the cloud gave
	}
	if at == nil {
		return nil, &EventError{Product: src.product.Name, EventID: *e.ID, Reason: "no time that reads, and an OCSF finding requires time"}
	}
	f := &finding{
		ActivityID: activityID, ActivityName: activityName, CategoryUID: categoryUID, CategoryName: categoryName,
		ClassUID: classUID, ClassName: className, TypeUID: typeUID, TypeName: typeName,
		Time: at.UnixMilli(), TimeDT: dt(*at),
		Metadata: metadata{Version: Version, Product: src.product, Profiles: []string{"cloud", "datetime"}, LogName: src.logName},
		Cloud:    cloud{Provider: src.provider, Region: e.Region},
		FindingInfo: findingInfo{UID: *e.ID, Title: e.Title, Desc: e.Description,
			FirstSeenTime: millis(e.FirstSeen), FirstSeenTimeDT: dtOf(e.FirstSeen),
			LastSeenTime: millis(e.LastSeen), LastSeenTimeDT: dtOf(e.LastSeen)},
		Count: e.Count,
	}
	f.SeverityID, f.Severity = caption(e.Severity, severityCaptions)
	f.StatusID, f.Status = caption(e.Status, statusCaptions)
	f.StatusCode = e.Status.Native
	if d := e.Device; d != nil {
		f.Device = &device{TypeID: 0, Type: "Unknown", Hostname: d.Hostname, UID: d.UID}
		if d.IP != nil {
			if _, err := netip.ParseAddr(*d.IP); err == nil {
				f.Device.IP = d.IP
			}
		}
		if f.Device.Hostname == nil && f.Device.IP == nil && f.Device.UID == nil {
			f.Device = nil // device needs one of them
		}
	}
	var c *container
	if ec := e.Container; ec != nil {
		c = &container{UID: ec.UID, Name: ec.Name}
		if ec.ImageID != nil {
			c.Image = &image{UID: *ec.ImageID, Name: ec.ImageName}
		}
		if c.UID == nil && c.Name == nil {
			c = nil // container needs a uid or a name
		}
	}
	for i := range e.Processes {
		if ev := evidenceOf(&e.Processes[i]); ev != nil {
			ev.Container = c
			f.Evidences = append(f.Evidences, *ev)
		}
	}
	if len(f.Evidences) == 0 && c != nil && f.Device != nil {
		// A container alone is no evidence; with its host it is.
		f.Evidences = []evidence{{Container: c, Device: f.Device}}
	}
	switch {
	case e.TCSS != nil:
		f.Remediation = remediationOf(e.TCSS.Solution)
		f.Unmapped = unmappedTCSS(e, f, c)
	case e.HSS != nil:
		f.Remediation = remediationOf(e.HSS.Recommendation)
		if r := e.HSS.ResourceInfo; r != nil {
			if r.RegionName != nil && *r.RegionName != "" {
				f.Cloud.Region = *r.RegionName // the event's own region
			}
			f.Cloud.ProjectUID = r.ProjectID
		}
		f.Unmapped = unmappedHSS(e, f, c)
	}
	return f, nil
}

// evidenceOf is a process as evidence: a process where the cloud gives an
// id (the schema requires a pid, uid or cpid), else its executable file.
func evidenceOf(p *processevent.Process) *evidence {
	if proc := processOf(p); proc != nil {
		return &evidence{Process: proc}
	}
	if f := fileOf(p.Path); f != nil {
		return &evidence{File: f}
	}
	return nil
}

func processOf(p *processevent.Process) *process {
	if p == nil || p.PID == nil {
		return nil
	}
	out := &process{PID: p.PID, Name: p.Name, CmdLine: p.CmdLine, File: fileOf(p.Path), ParentProcess: processOf(p.Parent)}
	if p.User != nil || p.UserID != nil {
		out.User = &user{Name: p.User}
		if p.UserID != nil {
			uid := strconv.FormatInt(*p.UserID, 10)
			out.User.UID = &uid
		}
	}
	return out
}

// fileOf is an executable's file: its name the path's base. The clouds do
// not say the file's type: 0, Unknown.
func fileOf(p *string) *file {
	if p == nil || *p == "" {
		return nil
	}
	name := path.Base(*p)
	if name == "/" || name == "." {
		return nil
	}
	return &file{Name: name, Path: p, TypeID: 0, Type: "Unknown"}
}

func remediationOf(s *string) *remediation {
	if s == nil || *s == "" {
		return nil
	}
	return &remediation{Desc: *s}
}

// caption is a normalized value's OCSF id and caption; for 99, Other, the
// cloud's own word.
func caption(v processevent.Value, captions map[int64]string) (int64, string) {
	if v.ID == otherID && v.Native != nil {
		return otherID, *v.Native
	}
	if c, ok := captions[v.ID]; ok {
		return v.ID, c
	}
	return 0, captions[0]
}

// dt is a time's RFC 3339 form with its milliseconds, in the time's zone.
func dt(t time.Time) string {
	return t.Truncate(time.Millisecond).Format("2006-01-02T15:04:05.999Z07:00")
}

func dtOf(t *time.Time) string {
	if t == nil {
		return ""
	}
	return dt(*t)
}

func millis(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	ms := t.UnixMilli()
	return &ms
}
