package localcloud

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// Fixtures are events a server serves instead of the reference examples and
// the generated events, read from fixture files written in the APIs' own
// JSON (see ParseFixtures). Every field of every event is served as written,
// nulls included; only the times move when a file sets "now".
type Fixtures struct {
	tcssEvents  []fixtureItem
	tcssDetails []fixtureItem // in the order of their ids
	hssEvents   []fixtureItem
	// Notes are what loading noticed and worked around, for the user to read.
	Notes []string
}

// fixtureItem is one event of a file, decoded with json.Number so that it is
// served as written.
type fixtureItem struct {
	file string
	path string // such as tencentcloud.events[0], for messages
	id   string
	now  *time.Time // the file's "now", if set
	v    map[string]any
}

// fixtureFile is the schema a fixture file is checked against, field by field
// and with exact names. The event types are the provider's own, which carry
// every field of the API references.
type fixtureFile struct {
	Now          *string `json:"now"`
	TencentCloud *struct {
		Events  []tencentcloud.AbnormalProcessEventInfo                             `json:"events"`
		Details map[string]tencentcloud.DescribeAbnormalProcessDetailResponseParams `json:"details"`
	} `json:"tencentcloud"`
	HuaweiCloud *struct {
		Events []huaweicloud.AppWhitelistEventResponseInfo `json:"events"`
	} `json:"huaweicloud"`
}

// LoadFixtures reads and merges fixture files; an event id found twice is an error.
func LoadFixtures(paths ...string) (*Fixtures, error) {
	all := &Fixtures{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		f, err := ParseFixtures(p, data)
		if err != nil {
			return nil, err
		}
		if err := all.add(f); err != nil {
			return nil, err
		}
		all.Notes = append(all.Notes, f.Notes...)
	}
	return all, nil
}

// ParseFixtures reads one fixture file; name is how messages call it:
//
//	{
//	  "now": "2026-11-30T12:00:00Z",
//	  "tencentcloud": {
//	    "events":  [ DescribeAbnormalProcessEvents EventSet items ],
//	    "details": { "<Id>": DescribeAbnormalProcessDetail response }
//	  },
//	  "huaweicloud": { "events": [ ListAppWhitelistEvent data_list items ] }
//	}
//
// A field that is not the API's (names are exact, case included) or a value
// of the wrong type is an error naming the file and the field. With "now",
// every time of the file moves by the same amount so that this instant is the
// server's start.
func ParseFixtures(name string, data []byte) (*Fixtures, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, syntaxError(name, data, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: more than one JSON value", name)
	}
	if root, ok := doc.(map[string]any); ok {
		if err := unwrapEnvelopes(root); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := checkFields("", doc, reflect.TypeFor[fixtureFile]()); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: a fixture file is a JSON object", name)
	}
	var now *time.Time
	if s, ok := root["now"].(string); ok {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, fmt.Errorf("%s: now must be an RFC 3339 time such as 2026-11-30T12:00:00Z, not %q", name, s)
		}
		now = &t
	}
	f := &Fixtures{}
	item := func(path string, v any) fixtureItem {
		m, _ := v.(map[string]any)
		return fixtureItem{file: name, path: path, now: now, v: m}
	}
	tc, _ := root["tencentcloud"].(map[string]any)
	events, _ := tc["events"].([]any)
	for i, v := range events {
		it := item(fmt.Sprintf("tencentcloud.events[%d]", i), v)
		if id, _ := it.v["Id"].(string); id != "" {
			it.id = id
		} else {
			return nil, fmt.Errorf("%s: %s: Id is required: it is the event's id in the list and the detail call", name, it.path)
		}
		f.tcssEvents = append(f.tcssEvents, it)
	}
	details, _ := tc["details"].(map[string]any)
	for _, id := range sortedKeys(details) {
		it := item(fmt.Sprintf("tencentcloud.details[%q]", id), details[id])
		it.id = id
		delete(it.v, "RequestId") // the server answers with its own
		f.tcssDetails = append(f.tcssDetails, it)
	}
	hw, _ := root["huaweicloud"].(map[string]any)
	hssEvents, _ := hw["events"].([]any)
	for i, v := range hssEvents {
		it := item(fmt.Sprintf("huaweicloud.events[%d]", i), v)
		it.id, _ = it.v["event_id"].(string)
		f.hssEvents = append(f.hssEvents, it)
	}
	if now != nil {
		for _, list := range [][]fixtureItem{f.tcssEvents, f.tcssDetails, f.hssEvents} {
			for _, it := range list {
				if err := it.shift(0, time.UTC); err != nil {
					return nil, fmt.Errorf("%s: %w", name, err)
				}
			}
		}
	}
	if err := f.checkValues(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f.Notes = f.tcssDetailIDNotes()
	empty := &Fixtures{}
	if err := empty.add(f); err != nil {
		return nil, err
	}
	return f, nil
}

// add appends other's events; an id already there is an error.
func (f *Fixtures) add(other *Fixtures) error {
	for _, set := range []struct {
		what        string
		have, added *[]fixtureItem
	}{
		{"TCSS event", &f.tcssEvents, &other.tcssEvents},
		{"TCSS detail", &f.tcssDetails, &other.tcssDetails},
		{"HSS event", &f.hssEvents, &other.hssEvents},
	} {
		seen := map[string]fixtureItem{}
		for _, it := range *set.have {
			seen[it.id] = it
		}
		for _, it := range *set.added {
			if before, dup := seen[it.id]; dup && it.id != "" {
				return fmt.Errorf("%s: %s: the %s %q is also in %s at %s", it.file, it.path, set.what, it.id, before.file, before.path)
			}
			seen[it.id] = it
			*set.have = append(*set.have, it)
		}
	}
	return nil
}

// tcssTimeFields and hssTimeFields are the times a file's "now" moves: TCSS
// writes zone-less "2006-01-02 15:04:05" strings, HSS integers.
var (
	tcssTimeFields = [][]string{
		{"FoundTime"}, {"LatestFoundTime"},
		{"EventBaseInfo", "FoundTime"}, {"EventBaseInfo", "LatestFoundTime"}, {"EventDetail", "OperationTime"},
	}
	hssTimeFields     = []string{"occur_time", "handle_time"}
	hssProcessTimes   = []string{"process_start_time", "parent_process_start_time", "child_process_start_time"}
	hssProcessListKey = []string{"process_info", "process_info_list"}
)

// shift moves the item's times by d, TCSS's read in zone. With d = 0 it only
// checks that every time can move.
func (it fixtureItem) shift(d time.Duration, zone *time.Location) error {
	if strings.HasPrefix(it.path, "huaweicloud.") {
		for _, k := range hssTimeFields {
			if err := shiftNumber(it.v, k, it.path+"."+k, d.Milliseconds(), 0); err != nil {
				return err
			}
		}
		for _, key := range hssProcessListKey {
			procs, _ := it.v[key].([]any)
			for i, p := range procs {
				pm, _ := p.(map[string]any)
				for _, k := range hssProcessTimes {
					// The reference does not say the unit of process start
					// times; its example is in seconds. Big values are ms.
					if err := shiftNumber(pm, k, fmt.Sprintf("%s.%s[%d].%s", it.path, key, i, k), d.Milliseconds(), d.Milliseconds()/1000); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	for _, path := range tcssTimeFields {
		m := it.v
		for _, k := range path[:len(path)-1] {
			m, _ = m[k].(map[string]any)
		}
		k := path[len(path)-1]
		s, ok := m[k].(string)
		if !ok || s == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateTime, s, zone)
		if err != nil {
			return fmt.Errorf("%s.%s: %q is not a TCSS time such as \"2026-11-30 09:00:00\", so \"now\" cannot move it", it.path, strings.Join(path, "."), s)
		}
		m[k] = t.Add(d).In(zone).Format(time.DateTime)
	}
	return nil
}

// shiftNumber adds ms to m[k], or secs when m[k] looks like seconds (secs != 0).
func shiftNumber(m map[string]any, k, path string, ms, secs int64) error {
	n, ok := m[k].(json.Number)
	if !ok {
		return nil
	}
	v, err := n.Int64()
	if err != nil {
		return fmt.Errorf("%s: %s is not a whole number, so \"now\" cannot move it", path, n)
	}
	if v == 0 {
		return nil
	}
	if secs != 0 && v < 100_000_000_000 {
		m[k] = json.Number(strconv.FormatInt(v+secs, 10))
	} else {
		m[k] = json.Number(strconv.FormatInt(v+ms, 10))
	}
	return nil
}

// at is the item as served by a server started at start: a deep copy, its
// times moved so that the file's "now" is start, to the second.
func (it fixtureItem) at(start time.Time, zone *time.Location) map[string]any {
	var c map[string]any
	raw, _ := json.Marshal(it.v)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	_ = dec.Decode(&c)
	if it.now != nil {
		_ = fixtureItem{path: it.path, v: c}.shift(start.Sub(*it.now).Round(time.Second), zone) // checked by ParseFixtures
	}
	return c
}

// loadFixtures fills an account with the fixtures alone.
func (s *Server) loadFixtures(f *Fixtures, start time.Time) {
	zone := s.cfg.TCSSTimeZone
	listed := map[string]bool{}
	for _, it := range f.tcssEvents {
		info := it.at(start, zone)
		listed[it.id] = true
		s.tcssList = append(s.tcssList, tcssListEventFromInfo(it.id, info))
		raw, _ := json.Marshal(tcssDetailOf(info))
		s.tcss[it.id] = raw
	}
	for _, it := range f.tcssDetails {
		raw, _ := json.Marshal(it.at(start, zone))
		s.tcss[it.id] = raw
		if !listed[it.id] {
			s.tcssList = append(s.tcssList, tcssListEventOf(it.id, raw))
		}
	}
	s.hss = nil
	for _, it := range f.hssEvents {
		s.hss = append(s.hss, hssEventOf(it.at(start, zone)))
	}
	sortNewestFirst(s.hss)
}

// hssEventOf keeps what the server filters on beside the event's JSON:
// host_name falls back to resource_info.host_name, as in the reference
// example, and an event without an enterprise project is in the default "0".
func hssEventOf(v map[string]any) hssEvent {
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	res, _ := v["resource_info"].(map[string]any)
	ev := hssEvent{
		id: str(v, "event_id"), hostName: str(v, "host_name"), hostIP: str(res, "host_ip"),
		privateIP: str(v, "private_ip"), handleStatus: str(v, "handle_status"),
		enterpriseProject: str(res, "enterprise_project_id"),
	}
	if ev.hostName == "" {
		ev.hostName = str(res, "host_name")
	}
	if ev.enterpriseProject == "" {
		ev.enterpriseProject = "0"
	}
	if n, ok := v["occur_time"].(json.Number); ok {
		ev.occurTime, _ = n.Int64()
	}
	ev.raw, _ = json.Marshal(v)
	return ev
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkFields checks a decoded JSON value against a Go type the way the
// gateways' own decoders would see it, but strictly: every object key must be
// a json field name of the struct, exactly, and every value of its type (null
// is always allowed). Errors name the field's path.
func checkFields(path string, v any, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return nil
	}
	at := func() string {
		if path == "" {
			return "the file"
		}
		return path
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s must be an object, not %s", at(), jsonKind(v))
		}
		fields := map[string]reflect.Type{}
		var names []string
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			fields[name] = t.Field(i).Type
			names = append(names, name)
		}
		for _, k := range sortedKeys(m) {
			ft, ok := fields[k]
			if !ok {
				return unknownField(path, k, names)
			}
			if err := checkFields(join(path, k), m[k], ft); err != nil {
				return err
			}
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s must be an object, not %s", at(), jsonKind(v))
		}
		for _, k := range sortedKeys(m) {
			if err := checkFields(fmt.Sprintf("%s[%q]", path, k), m[k], t.Elem()); err != nil {
				return err
			}
		}
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s must be an array, not %s", at(), jsonKind(v))
		}
		for i, e := range list {
			if err := checkFields(fmt.Sprintf("%s[%d]", path, i), e, t.Elem()); err != nil {
				return err
			}
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			return fmt.Errorf("%s must be a string, not %s", at(), jsonKind(v))
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s must be true or false, not %s", at(), jsonKind(v))
		}
	case reflect.Int32, reflect.Int64, reflect.Uint64:
		n, ok := v.(json.Number)
		if !ok {
			return fmt.Errorf("%s must be a number, not %s", at(), jsonKind(v))
		}
		var err error
		if t.Kind() == reflect.Uint64 {
			_, err = strconv.ParseUint(string(n), 10, 64)
		} else {
			_, err = strconv.ParseInt(string(n), 10, t.Bits())
		}
		if err != nil {
			return fmt.Errorf("%s must be a whole number that fits %s, not %s", at(), t.Kind(), n)
		}
	default:
		return fmt.Errorf("%s: fixtures cannot check a %s", at(), t)
	}
	return nil
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func unknownField(path, k string, names []string) error {
	where := "at the top of the file"
	if path != "" {
		where = "in " + path
	}
	msg := fmt.Sprintf("unknown field %q %s", k, where)
	if near := nearest(k, names); near != "" {
		msg += fmt.Sprintf(": did you mean %q?", near)
	} else {
		msg += fmt.Sprintf(" (the fields there are %s)", strings.Join(names, ", "))
	}
	return errors.New(msg)
}

// nearest is the name that k most likely misspells: the same but for case, or
// at most two edits away.
func nearest(k string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		if strings.EqualFold(n, k) {
			return n
		}
		if d := editDistance(strings.ToLower(k), strings.ToLower(n)); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func jsonKind(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case json.Number:
		return "the number " + string(v)
	case bool:
		return strconv.FormatBool(v)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "null"
}
