package localcloud

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// The values policies key on, checked in fixtures against the APIs'
// documented sets (owned by the cloud packages): a fixture that writes
// "High" for HIGH would load, and the gate it should prove would never fire.
type valueSet struct {
	what   string
	values []string
}

var (
	tcssStatusSet    = valueSet{"TCSS status", tencentcloud.Statuses}
	tcssLevelSet     = valueSet{"TCSS rule level", tencentcloud.RuleLevels}
	tcssBehaviorSet  = valueSet{"TCSS behavior", tencentcloud.Behaviors}
	tcssRuleModeSet  = valueSet{"TCSS rule mode", tencentcloud.RuleModes}
	hssSeveritySet   = valueSet{"HSS severity", huaweicloud.Severities}
	hssHandleSet     = valueSet{"HSS handle_status", huaweicloud.HandleStatuses}
	tcssEventValues  = []fieldValues{{"Behavior", tcssBehaviorSet}, {"MatchAction", tcssRuleModeSet}, {"MatchRuleLevel", tcssLevelSet}, {"Status", tcssStatusSet}}
	tcssDetailValues = []struct {
		path []string
		set  valueSet
	}{
		{[]string{"EventBaseInfo", "Status"}, tcssStatusSet},
		{[]string{"EventDetail", "MatchRule", "RuleLevel"}, tcssLevelSet},
		{[]string{"EventDetail", "MatchRule", "RuleMode"}, tcssRuleModeSet},
	}
	hssEventValues = []fieldValues{{"handle_status", hssHandleSet}, {"severity", hssSeveritySet}}
)

// fieldValues is an event field and its documented values.
type fieldValues struct {
	field string
	set   valueSet
}

// check says what is wrong with v at path, if it is a string outside the
// set (null and absent are fine).
func (s valueSet) check(path string, v any) error {
	str, ok := v.(string)
	if !ok {
		return nil
	}
	for _, want := range s.values {
		if str == want {
			return nil
		}
	}
	list := strings.Join(s.values, ", ")
	if near := nearest(str, s.values); near != "" {
		return fmt.Errorf("%s: %q is not a %s; did you mean %q? (%s)", path, str, s.what, near, list)
	}
	return fmt.Errorf("%s: %q is not a %s (%s)", path, str, s.what, list)
}

// minMilliseconds is where HSS milliseconds start: a smaller time is
// seconds (10^11 seconds is the year 5138; 10^11 ms is 1973).
const minMilliseconds = 100_000_000_000

// checkValues checks the values policies key on in a file's events.
func (f *Fixtures) checkValues() error {
	for _, it := range f.tcssEvents {
		for _, fv := range tcssEventValues {
			if err := fv.set.check(it.path+"."+fv.field, it.v[fv.field]); err != nil {
				return err
			}
		}
	}
	for _, it := range f.tcssDetails {
		for _, dv := range tcssDetailValues {
			m := it.v
			for _, k := range dv.path[:len(dv.path)-1] {
				m, _ = m[k].(map[string]any)
			}
			if err := dv.set.check(it.path+"."+strings.Join(dv.path, "."), m[dv.path[len(dv.path)-1]]); err != nil {
				return err
			}
		}
	}
	for _, it := range f.hssEvents {
		for _, fv := range hssEventValues {
			if err := fv.set.check(it.path+"."+fv.field, it.v[fv.field]); err != nil {
				return err
			}
		}
		for _, k := range hssTimeFields {
			n, ok := it.v[k].(json.Number)
			if !ok {
				continue
			}
			if v, err := n.Int64(); err == nil && v > 0 && v < minMilliseconds {
				return fmt.Errorf("%s.%s %d looks like seconds; the API sends milliseconds, such as %d", it.path, k, v, v*1000)
			}
		}
	}
	return nil
}

// unwrapEnvelopes accepts the vendors' own JSON as it is printed: a detail
// that is a whole DescribeAbnormalProcessDetail response ({"Response":
// {...}}), TCSS events that are a whole DescribeAbnormalProcessEvents
// response (with or without "Response") and HSS events that are a whole
// ListAppWhitelistEvent response ({"total_num": N, "data_list": [...]}).
// A vendor's response put one level too high gets a hint.
func unwrapEnvelopes(root map[string]any) error {
	if tc, ok := root["tencentcloud"].(map[string]any); ok {
		if _, misplaced := tc["EventSet"]; misplaced {
			return errors.New(`a DescribeAbnormalProcessEvents response goes under tencentcloud.events, not tencentcloud itself`)
		}
		if _, misplaced := tc["Response"]; misplaced {
			return errors.New(`a TCSS response goes under tencentcloud.events (DescribeAbnormalProcessEvents) or tencentcloud.details["<id>"] (DescribeAbnormalProcessDetail), not tencentcloud itself`)
		}
		if events, ok := tc["events"].(map[string]any); ok {
			if inner, ok := events["Response"].(map[string]any); ok && len(events) == 1 {
				events = inner
			}
			if set, ok := events["EventSet"]; ok {
				tc["events"] = set
			}
		}
		details, _ := tc["details"].(map[string]any)
		for id, d := range details {
			if m, ok := d.(map[string]any); ok && len(m) == 1 {
				if inner, ok := m["Response"].(map[string]any); ok {
					details[id] = inner
				}
			}
		}
	}
	if hw, ok := root["huaweicloud"].(map[string]any); ok {
		if _, misplaced := hw["data_list"]; misplaced {
			return errors.New(`a ListAppWhitelistEvent response ({"total_num": N, "data_list": [...]}) goes under huaweicloud.events, not huaweicloud itself`)
		}
		if events, ok := hw["events"].(map[string]any); ok {
			if list, ok := events["data_list"]; ok {
				hw["events"] = list
			}
		}
	}
	return nil
}

// syntaxError names the line and column of a JSON syntax error in data.
func syntaxError(name string, data []byte, err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	offset := int64(-1)
	switch {
	case errors.As(err, &syntax):
		offset = syntax.Offset - 1 // the offset is past the offending byte
	case errors.As(err, &typeErr):
		offset = typeErr.Offset
	case errors.Is(err, io.ErrUnexpectedEOF):
		offset = int64(len(data))
	}
	if offset < 0 {
		return fmt.Errorf("%s: not JSON: %w", name, err)
	}
	before := data[:min(int(offset), len(data))]
	line := bytes.Count(before, []byte("\n")) + 1
	column := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Errorf("%s:%d:%d: not JSON: %w", name, line, column, err)
}

// tcssDetailIDNotes says which details hold an EventBaseInfo.EventId other
// than their key: they are served under the key.
func (f *Fixtures) tcssDetailIDNotes() []string {
	var notes []string
	for _, it := range f.tcssDetails {
		base, _ := it.v["EventBaseInfo"].(map[string]any)
		if id, ok := base["EventId"].(string); ok && id != it.id {
			notes = append(notes, fmt.Sprintf("%s: %s.EventBaseInfo.EventId is %s: the detail is served under its key, %s",
				it.file, it.path, strconv.Quote(id), strconv.Quote(it.id)))
		}
	}
	return notes
}
