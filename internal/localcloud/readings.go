package localcloud

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
)

// Readings make the server read the points the APIs' documents leave open
// the other ways a real service could (DESIGN.md, "Reading APIs whose docs
// leave points open"), so that a test can prove the provider returns the
// same events whichever it meets. The zero value is the reading the local
// cloud plays by default: By honoured, every filter applied, host fields
// at the top level.
type Readings struct {
	// TCSSBy is how DescribeAbnormalProcessEvents takes By: "" or
	// TCSSByHonoured, TCSSByIgnored (the list in the service's own stable
	// order, not by time, whatever By and Order say) or TCSSByRefused (a
	// request with By fails with InvalidParameterValue.By).
	TCSSBy string
	// TCSSStatusIgnored accepts the Status filter and does not apply it.
	TCSSStatusIgnored bool
	// HSSRangeRequired refuses a ListAppWhitelistEvent request without
	// begin_time and end_time, as the reference marks them required.
	HSSRangeRequired bool
	// HSSPrivateIPIgnored accepts private_ip and does not apply it, as the
	// SDK (0.1.170 on) does not send it.
	HSSPrivateIPIgnored bool
	// HSSHostFieldsInResourceInfo serves events without top-level
	// host_name, private_ip and public_ip, as the reference's own example
	// event: the host is only in resource_info.
	HSSHostFieldsInResourceInfo bool
	// HSSAllProjectsRefused refuses enterprise_project_id=all_granted_eps
	// (HTTP 400), as an account without enterprise projects may.
	HSSAllProjectsRefused bool
	// HSSEndTimeExclusive reads end_time as exclusive: an event at that
	// very millisecond is not in the range.
	HSSEndTimeExclusive bool
	// TCSSTotalCap and HSSTotalCap, when set, cap the total each page
	// reports (TotalCount, total_num), as search-backed APIs cap or
	// estimate their counts; the pages still hold every event.
	TCSSTotalCap, HSSTotalCap int
}

// capped is total as a cap of limit (0: none) reports it.
func capped(total, limit int) int {
	if limit > 0 {
		return min(total, limit)
	}
	return total
}

// The readings of TCSS By.
const (
	TCSSByHonoured = "honoured"
	TCSSByIgnored  = "ignored"
	TCSSByRefused  = "refused"
)

func (r Readings) validate() error {
	switch r.TCSSBy {
	case "", TCSSByHonoured, TCSSByIgnored, TCSSByRefused:
		return nil
	}
	return fmt.Errorf("TCSSBy must be %s, %s or %s, not %q", TCSSByHonoured, TCSSByIgnored, TCSSByRefused, r.TCSSBy)
}

// ownOrder is the order of a service that ignores By: stable, and not by time.
func ownOrder(id string) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return h.Sum32()
}

// withoutTopLevelHost drops host_name, private_ip and public_ip from events.
func withoutTopLevelHost(events []json.RawMessage) []json.RawMessage {
	out := make([]json.RawMessage, len(events))
	for i, raw := range events {
		var ev map[string]json.RawMessage
		if json.Unmarshal(raw, &ev) != nil {
			out[i] = raw
			continue
		}
		delete(ev, "host_name")
		delete(ev, "private_ip")
		delete(ev, "public_ip")
		out[i], _ = json.Marshal(ev)
	}
	return out
}
