package localcloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

const tencentActionList = "DescribeAbnormalProcessEvents"

// tcssListEvent is one event of DescribeAbnormalProcessEvents, made from the
// same detail the server serves for its id: the list and the detail describe
// the same events.
type tcssListEvent struct {
	id, status, foundTime, latestFoundTime string
	info                                   map[string]any // AbnormalProcessEventInfo, absent fields left out
}

// tcssListFields maps the fields of a list entry (AbnormalProcessEventInfo)
// to where the detail response keeps the same value: its section
// (EventBaseInfo, ProcessInfo, EventDetail or the rule, EventDetail.MatchRule)
// and name. Both directions use it: the list made from a detail, and the
// detail of a fixture event listed without one.
var tcssListFields = []struct{ list, section, detail string }{
	{"EventType", "EventBaseInfo", "EventType"}, {"FoundTime", "EventBaseInfo", "FoundTime"},
	{"ContainerName", "EventBaseInfo", "ContainerName"}, {"ImageName", "EventBaseInfo", "ImageName"},
	{"Status", "EventBaseInfo", "Status"}, {"ImageId", "EventBaseInfo", "ImageId"},
	{"ContainerId", "EventBaseInfo", "ContainerId"}, {"EventCount", "EventBaseInfo", "EventCount"},
	{"LatestFoundTime", "EventBaseInfo", "LatestFoundTime"}, {"ContainerNetStatus", "EventBaseInfo", "ContainerNetStatus"},
	{"ContainerNetSubStatus", "EventBaseInfo", "ContainerNetSubStatus"},
	{"ContainerIsolateOperationSrc", "EventBaseInfo", "ContainerIsolateOperationSrc"},
	{"ContainerStatus", "EventBaseInfo", "ContainerStatus"}, {"ClusterID", "EventBaseInfo", "ClusterID"},
	{"NodeType", "EventBaseInfo", "NodeType"}, {"PodName", "EventBaseInfo", "PodName"}, {"PodIP", "EventBaseInfo", "PodIP"},
	{"NodeUniqueID", "EventBaseInfo", "NodeUniqueID"}, {"NodeName", "EventBaseInfo", "NodeName"},
	{"NodeID", "EventBaseInfo", "NodeID"}, {"HostID", "EventBaseInfo", "HostID"}, {"HostIP", "EventBaseInfo", "HostIP"},
	{"ClusterName", "EventBaseInfo", "ClusterName"},
	{"ProcessPath", "ProcessInfo", "ProcessPath"},
	{"MatchRuleName", "EventDetail", "RuleName"}, {"Solution", "EventDetail", "Solution"},
	{"Description", "EventDetail", "Description"}, {"RuleId", "EventDetail", "RuleId"},
	{"MatchGroupName", "EventDetail", "GroupName"},
	{"MatchRuleId", "MatchRule", "RuleId"}, {"MatchAction", "MatchRule", "RuleMode"},
	{"MatchProcessPath", "MatchRule", "ProcessPath"}, {"MatchRuleLevel", "MatchRule", "RuleLevel"},
	{"CmdLine", "MatchRule", "CmdLine"},
}

// tcssListEventOf maps a detail response to its list entry.
func tcssListEventOf(id string, raw json.RawMessage) tcssListEvent {
	var resp map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	_ = dec.Decode(&resp)
	d := map[string]map[string]any{}
	for _, k := range []string{"EventBaseInfo", "ProcessInfo", "EventDetail"} {
		d[k], _ = resp[k].(map[string]any)
	}
	rule, _ := d["EventDetail"]["MatchRule"].(map[string]any)
	d["MatchRule"] = rule
	info := map[string]any{"Id": id}
	for _, f := range tcssListFields {
		if v, ok := d[f.section][f.detail]; ok && v != nil {
			info[f.list] = v
		}
	}
	if rule != nil {
		info["RuleExist"] = true
		if behavior, ok := tcssBehaviorOf[fmt.Sprint(rule["RuleMode"])]; ok {
			info["Behavior"] = behavior
		}
	}
	return tcssListEventFromInfo(id, info)
}

// tcssBehaviorOf is the Behavior a rule's mode implies, in the SDK's
// documented values: a holdup rule that held the process up succeeded.
var tcssBehaviorOf = map[string]string{
	"RULE_MODE_ALERT": "BEHAVIOR_ALERT", "RULE_MODE_HOLDUP": "BEHAVIOR_HOLDUP_SUCCESSED", "RULE_MODE_RELEASE": "BEHAVIOR_RELEASE",
}

// tcssListEventFromInfo is a list entry served as info says, fields and nulls.
func tcssListEventFromInfo(id string, info map[string]any) tcssListEvent {
	str := func(k string) string { s, _ := info[k].(string); return s }
	return tcssListEvent{id: id, status: str("Status"), foundTime: str("FoundTime"), latestFoundTime: str("LatestFoundTime"), info: info}
}

// tcssDetailOf is the detail response a list entry implies: each of its
// fields where the detail keeps it, the rule only when the entry has one.
func tcssDetailOf(info map[string]any) map[string]any {
	sections := map[string]map[string]any{
		"EventBaseInfo": {"EventId": info["Id"]}, "ProcessInfo": {}, "EventDetail": {}, "MatchRule": {},
	}
	for _, f := range tcssListFields {
		if v, ok := info[f.list]; ok {
			sections[f.section][f.detail] = v
		}
	}
	if len(sections["MatchRule"]) > 0 {
		sections["EventDetail"]["MatchRule"] = sections["MatchRule"]
	}
	out := map[string]any{"EventBaseInfo": sections["EventBaseInfo"]}
	for _, k := range []string{"ProcessInfo", "EventDetail"} {
		if len(sections[k]) > 0 {
			out[k] = sections[k]
		}
	}
	return out
}

// tcssListParams are the request's keys; any other key is refused.
type tcssListParams struct {
	Limit   *int64
	Offset  *int64
	Filters []struct {
		Name       *string
		Values     []string
		ExactMatch *bool
	}
	Order *string
	By    *string
}

// tcssListFilterNames are the filters the server applies; the API documents
// Status for this action and these for its siblings.
var tcssListFilterNames = map[string]func(e tcssListEvent) string{
	"Status":             func(e tcssListEvent) string { return e.status },
	"EventType":          func(e tcssListEvent) string { s, _ := e.info["EventType"].(string); return s },
	"ContainerStatus":    func(e tcssListEvent) string { s, _ := e.info["ContainerStatus"].(string); return s },
	"ContainerNetStatus": func(e tcssListEvent) string { s, _ := e.info["ContainerNetStatus"].(string); return s },
}

// tcssListOrdered is the list in one order, sorted once and kept: every page
// request of a read asks for the same order.
func (s *Server) tcssListOrdered(by string, desc bool) []*tcssListEvent {
	key := fmt.Sprintf("%s/%v", by, desc)
	s.mu.Lock()
	defer s.mu.Unlock()
	if sorted, ok := s.tcssSorted[key]; ok {
		return sorted
	}
	sorted := make([]*tcssListEvent, len(s.tcssList))
	for i := range s.tcssList {
		sorted[i] = &s.tcssList[i]
	}
	if by == TCSSByIgnored {
		sort.SliceStable(sorted, func(a, b int) bool { return ownOrder(sorted[a].id) < ownOrder(sorted[b].id) })
		s.tcssSorted[key] = sorted
		return sorted
	}
	field := func(e *tcssListEvent) string { return e.foundTime }
	if by == "LatestFoundTime" {
		field = func(e *tcssListEvent) string { return e.latestFoundTime }
	}
	// Times are "2006-01-02 15:04:05": they sort as strings. Ties by id keep pages stable.
	sort.SliceStable(sorted, func(a, b int) bool {
		ka, kb := field(sorted[a]), field(sorted[b])
		if ka == kb {
			return sorted[a].id < sorted[b].id
		}
		return (ka > kb) == desc
	})
	s.tcssSorted[key] = sorted
	return sorted
}

// answerTencentList serves one page of DescribeAbnormalProcessEvents.
func (s *Server) answerTencentList(w http.ResponseWriter, body []byte, requestID string, rec *Request, truncate bool) {
	fail := func(code, message string) {
		rec.Code = code
		writeTencent(w, http.StatusOK, map[string]any{
			"Error": map[string]string{"Code": code, "Message": message}, "RequestId": requestID,
		})
	}
	var p tcssListParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		fail("InvalidParameter", fmt.Sprintf("The request is not valid: %s.", err))
		return
	}
	limit, offset := int64(10), int64(0)
	if p.Limit != nil {
		limit = *p.Limit
	}
	if p.Offset != nil {
		offset = *p.Offset
	}
	rec.Params = map[string]string{"Limit": fmt.Sprint(limit), "Offset": fmt.Sprint(offset)}
	if limit < 1 || limit > 100 {
		fail("InvalidParameterValue.Limit", "Limit must be between 1 and 100.")
		return
	}
	if offset < 0 {
		fail("InvalidParameterValue.Offset", "Offset must not be negative.")
		return
	}
	type filter struct {
		value func(tcssListEvent) string
		want  []string
		exact bool
	}
	var filters []filter
	for _, f := range p.Filters {
		if f.Name == nil || len(f.Values) == 0 {
			fail("InvalidParameter.Filters", "Every filter needs a Name and Values.")
			return
		}
		value, ok := tcssListFilterNames[*f.Name]
		if !ok {
			fail("InvalidParameterValue.Filters", fmt.Sprintf("The filter %q is not supported.", *f.Name))
			return
		}
		rec.Params["Filter."+*f.Name] = strings.Join(f.Values, ",")
		if *f.Name == "Status" && s.cfg.Readings.TCSSStatusIgnored {
			continue
		}
		filters = append(filters, filter{value, f.Values, f.ExactMatch != nil && *f.ExactMatch})
	}
	by := "FoundTime"
	if p.By != nil {
		rec.Params["By"] = *p.By
		by = *p.By
		if by != "FoundTime" && by != "LatestFoundTime" || s.cfg.Readings.TCSSBy == TCSSByRefused {
			fail("InvalidParameterValue.By", fmt.Sprintf("By %q is not supported.", *p.By))
			return
		}
	}
	if s.cfg.Readings.TCSSBy == TCSSByIgnored {
		by = TCSSByIgnored
	}
	desc := true
	if p.Order != nil {
		rec.Params["Order"] = *p.Order
		switch strings.ToLower(*p.Order) {
		case "asc":
			desc = false
		case "desc":
		default:
			fail("InvalidParameterValue.Order", "Order must be asc or desc.")
			return
		}
	}

	var matched []*tcssListEvent
	for _, e := range s.tcssListOrdered(by, desc) {
		keep := true
		for _, f := range filters {
			v, any := f.value(*e), false
			for _, want := range f.want {
				any = any || v == want || (!f.exact && strings.Contains(v, want))
			}
			keep = keep && any
		}
		if keep {
			matched = append(matched, e)
		}
	}
	page := []map[string]any{}
	for i := offset; i < offset+limit && i < int64(len(matched)); i++ {
		page = append(page, matched[i].info)
	}
	out, _ := json.Marshal(map[string]any{"Response": map[string]any{
		"TotalCount": capped(len(matched), s.cfg.Readings.TCSSTotalCap), "EventSet": page, "RequestId": requestID,
	}})
	if truncate {
		out = out[:len(out)/2]
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// TCSSListEntry is the list entry (AbnormalProcessEventInfo, as JSON) the
// server makes of a detail response, for tests that map list entries.
func TCSSListEntry(id string, detail json.RawMessage) ([]byte, error) {
	return json.Marshal(tcssListEventOf(id, detail).info)
}
