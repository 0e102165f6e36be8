package ocsf

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/processevent"
)

// native is a finding's unmapped: the native fields the finding has no
// other home for, under the cloud's own names.
type native map[string]any

// tcss keeps the TCSS list item's fields that the finding did not take.
func (n native) tcss(e *processevent.Event, f *finding, c *container) {
	t := e.TCSS
	placed := containerPlaced(f)
	file := len(f.Evidences) > 0 && f.Evidences[0].File != nil
	used := map[string]bool{
		"Id": true, "MatchRuleName": true, "Description": true, "EventCount": true, "MatchRuleLevel": true, "Status": true,
		"Solution": f.Remediation != nil, "FoundTime": e.FirstSeen != nil, "LatestFoundTime": e.LastSeen != nil,
		"NodeName": f.Device != nil, "HostID": f.Device != nil, "HostIP": f.Device != nil && f.Device.IP != nil,
		"ContainerId": placed, "ContainerName": placed,
		"ImageId": placed && c.Image != nil, "ImageName": placed && c.Image != nil,
		"ProcessPath": file, // CmdLine has no home: a TCSS list item has no process id, so no process object
	}
	n.keep(reflect.ValueOf(t).Elem(), used, "")
}

// hss keeps the HSS event's fields that the finding did not take.
func (n native) hss(e *processevent.Event, f *finding, c *container) {
	h := e.HSS
	placed := containerPlaced(f)
	topHost, topIP := h.HostName != nil, h.PrivateIP != nil
	used := map[string]bool{
		"event_id": true, "event_name": true, "severity": true, "handle_status": true,
		"occur_time": e.Time != nil, "recommendation": f.Remediation != nil,
		"host_name": f.Device != nil && topHost, "host_id": f.Device != nil,
		"private_ip":                 f.Device != nil && f.Device.IP != nil && topIP,
		"resource_info.host_name":    f.Device != nil && !topHost,
		"resource_info.host_ip":      f.Device != nil && f.Device.IP != nil && !topIP,
		"resource_info.container_id": placed,
		"resource_info.image_id":     placed && c.Image != nil, "resource_info.image_name": placed && c.Image != nil,
		"resource_info.region_name": h.ResourceInfo != nil && h.ResourceInfo.RegionName != nil && *h.ResourceInfo.RegionName != "",
		"resource_info.project_id":  true,
	}
	list := "process_info"
	if h.ProcessInfo == nil {
		list = "process_info_list"
	}
	for i := range e.Processes { // one for one with the native list
		p, at := &e.Processes[i], list+"["+strconv.Itoa(i)+"]."
		switch {
		case p.PID != nil: // a process
			for _, name := range []string{"process_pid", "process_name", "process_cmdline", "process_path", "process_username", "process_uid"} {
				used[at+name] = true
			}
			if p.Parent != nil && p.Parent.PID != nil {
				for _, name := range []string{"parent_process_pid", "parent_process_name", "parent_process_cmdline", "parent_process_path", "parent_process_uid"} {
					used[at+name] = true
				}
			}
		case fileOf(p.Path) != nil: // its file only
			used[at+"process_path"] = true
		}
	}
	n.keep(reflect.ValueOf(h).Elem(), used, "")
}

// containerPlaced says whether the event's container is in the evidences.
func containerPlaced(f *finding) bool {
	for i := range f.Evidences {
		if f.Evidences[i].Container != nil {
			return true
		}
	}
	return false
}

// keep adds, from the struct v, every field the cloud sent that used does
// not name (as "field", "object.field" or "list[i].field"); an object or
// list of objects keeps what is left of it.
func (n native) keep(v reflect.Value, used map[string]bool, at string) {
	t := v.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if left, ok := leftOf(v.Field(i), used, at+name); ok {
			n[name] = left
		}
	}
}

// leftOf is what is left of one field: ok false when nothing is.
func leftOf(v reflect.Value, used map[string]bool, at string) (any, bool) {
	if used[at] {
		return nil, false
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil, false
		}
		if v.Elem().Kind() == reflect.Struct {
			inner := native{}
			inner.keep(v.Elem(), used, at+".")
			return inner, len(inner) > 0
		}
		return v.Elem().Interface(), true
	case reflect.Slice:
		if v.IsNil() {
			return nil, false
		}
		if v.Type().Elem().Kind() != reflect.Struct {
			return v.Interface(), true
		}
		items := make([]any, v.Len())
		left := false
		for i := range v.Len() {
			inner := native{}
			inner.keep(v.Index(i), used, at+"["+strconv.Itoa(i)+"].")
			items[i] = inner // kept in place, so an index is the cloud's own
			left = left || len(inner) > 0
		}
		return items, left
	default:
		return v.Interface(), true
	}
}
