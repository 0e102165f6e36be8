package ocsf

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/processevent"
)

// unmappedTCSS is, as JSON, the TCSS list item's fields that the finding did
// not take, under their TCSS names; nil when none is left.
func unmappedTCSS(e *processevent.Event, f *finding, c *container) json.RawMessage {
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
	return unmapped(reflect.ValueOf(e.TCSS).Elem(), used)
}

// unmappedHSS is, as JSON, the HSS event's fields that the finding did not
// take, under their HSS names; nil when none is left.
func unmappedHSS(e *processevent.Event, f *finding, c *container) json.RawMessage {
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
	// resource_info repeating a value the finding took has a home too.
	if r := h.ResourceInfo; r != nil && f.Device != nil {
		used["resource_info.host_name"] = used["resource_info.host_name"] || same(r.HostName, f.Device.Hostname)
		used["resource_info.host_ip"] = used["resource_info.host_ip"] || same(r.HostIP, f.Device.IP)
		used["resource_info.host_id"] = same(r.HostID, f.Device.UID)
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
	return unmapped(reflect.ValueOf(h).Elem(), used)
}

func same(a, b *string) bool { return a != nil && b != nil && *a == *b }

// containerPlaced says whether the event's container is in the evidences.
func containerPlaced(f *finding) bool {
	for i := range f.Evidences {
		if f.Evidences[i].Container != nil {
			return true
		}
	}
	return false
}

// unmapped writes the struct v's fields that the cloud sent and used does
// not name ("field", "object.field" or "list[i].field"), in the struct's
// order; an object or a list of objects keeps what is left of it, a list's
// entries in place, so an index is the cloud's own.
func unmapped(v reflect.Value, used map[string]bool) json.RawMessage {
	out, any := appendObject(make([]byte, 0, 512), v, used, "")
	if !any {
		return nil
	}
	return out
}

// A field of a native struct: its JSON name, once per type.
type field struct {
	name  string
	index int
}

var fieldsOf sync.Map // reflect.Type: []field

func fields(t reflect.Type) []field {
	if f, ok := fieldsOf.Load(t); ok {
		return f.([]field) //nolint:forcetypeassert // stored below
	}
	var out []field
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, field{name: name, index: i})
		}
	}
	fieldsOf.Store(t, out)
	return out
}

// appendObject appends the object of v's fields left; any is false when
// none is.
func appendObject(buf []byte, v reflect.Value, used map[string]bool, at string) ([]byte, bool) {
	start := len(buf)
	buf = append(buf, '{')
	any := false
	for _, f := range fields(v.Type()) {
		path := f.name
		if at != "" {
			path = at + f.name
		}
		if used[path] {
			continue
		}
		mark := len(buf)
		if any {
			buf = append(buf, ',')
		}
		buf = appendString(buf, f.name)
		buf = append(buf, ':')
		var kept bool
		if buf, kept = appendValue(buf, v.Field(f.index), used, path); kept {
			any = true
		} else {
			buf = buf[:mark]
		}
	}
	if !any {
		return buf[:start], false
	}
	return append(buf, '}'), true
}

// appendValue appends one field's value; kept is false when nothing is left.
func appendValue(buf []byte, v reflect.Value, used map[string]bool, at string) ([]byte, bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return buf, false
		}
		return appendValue(buf, v.Elem(), used, at)
	case reflect.Struct:
		return appendObject(buf, v, used, at+".")
	case reflect.Slice:
		if v.IsNil() {
			return buf, false
		}
		start := len(buf)
		buf = append(buf, '[')
		any := false
		for i := range v.Len() {
			if i > 0 {
				buf = append(buf, ',')
			}
			item := v.Index(i)
			if item.Kind() != reflect.Struct {
				buf, _ = appendValue(buf, item, used, at)
				any = true
				continue
			}
			var kept bool
			if buf, kept = appendObject(buf, item, used, at+"["+strconv.Itoa(i)+"]."); kept {
				any = true
			} else {
				buf = append(buf, '{', '}') // kept in place
			}
		}
		if !any {
			return buf[:start], false
		}
		return append(buf, ']'), true
	case reflect.String:
		return appendString(buf, v.String()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(buf, v.Int(), 10), true
	case reflect.Bool:
		return strconv.AppendBool(buf, v.Bool()), true
	case reflect.Float32, reflect.Float64:
		return strconv.AppendFloat(buf, v.Float(), 'g', -1, 64), true
	default: // not in the native types; encoding/json says what it is
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return buf, false
		}
		return append(buf, b...), true
	}
}

// appendString appends s as a JSON string, as encoding/json writes it
// without HTML escaping; invalid UTF-8 becomes U+FFFD.
func appendString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf = append(buf, '\\', c)
			case c == '\n':
				buf = append(buf, '\\', 'n')
			case c == '\r':
				buf = append(buf, '\\', 'r')
			case c == '\t':
				buf = append(buf, '\\', 't')
			case c < 0x20:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				buf = append(buf, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = append(buf, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			buf = append(buf, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	return append(buf, '"')
}
