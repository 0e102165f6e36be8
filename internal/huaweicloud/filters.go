package huaweicloud

import (
	"fmt"
	"strings"
	"sync"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/paging"
)

// The API's documented value sets (the SDK's comments), for validators,
// descriptions and the local cloud's fixtures.
var (
	Severities     = []string{"Security", "Low", "Medium", "High", "Critical"}
	HandleStatuses = []string{"unhandled", "handled"}
	HandleMethods  = []string{"mark_as_trust", "mark_as_suspicious", "isolate_and_kill"}
)

// Host is the event's server name: host_name, or where the event has none
// (as the reference's own example has none), resource_info.host_name.
func (e *AppWhitelistEventResponseInfo) Host() *string {
	if e.HostName == nil && e.ResourceInfo != nil {
		return e.ResourceInfo.HostName
	}
	return e.HostName
}

// IP is the event's server address: private_ip, or where the event has
// none, resource_info.host_ip.
func (e *AppWhitelistEventResponseInfo) IP() *string {
	if e.PrivateIP == nil && e.ResourceInfo != nil {
		return e.ResourceInfo.HostIP
	}
	return e.PrivateIP
}

// filterCheck re-checks the server-side filters on what comes back: the SDK
// dropped private_ip from its request (0.1.170) and the reference says
// nothing of how host_name or host_ip match. An event is dropped only when
// it carries the field and no reading of the filter could match it.
type filterCheck struct {
	filters []sentFilter
	mu      sync.Mutex
	dropped map[string]int
}

type sentFilter struct {
	name, want string
	field      func(*AppWhitelistEventResponseInfo) *string
	// exact: a documented value set (handle_status); otherwise the value
	// may be matched exactly or as a part, in any case: only an event whose
	// field does not contain it certainly fails.
	exact bool
}

func newFilterCheck(q Query) *filterCheck {
	c := &filterCheck{dropped: map[string]int{}}
	add := func(name string, want *string, exact bool, field func(*AppWhitelistEventResponseInfo) *string) {
		if want != nil {
			c.filters = append(c.filters, sentFilter{name: name, want: *want, field: field, exact: exact})
		}
	}
	add("host_name", q.HostName, false, (*AppWhitelistEventResponseInfo).Host)
	add("host_ip", q.HostIP, false, func(e *AppWhitelistEventResponseInfo) *string {
		if e.ResourceInfo == nil {
			return nil
		}
		return e.ResourceInfo.HostIP
	})
	// resource_info has no private address (its host_ip may be either), so
	// only the event's own private_ip is compared.
	add("private_ip", q.PrivateIP, false, func(e *AppWhitelistEventResponseInfo) *string { return e.PrivateIP })
	add("handle_status", q.HandleStatus, true, func(e *AppWhitelistEventResponseInfo) *string { return e.HandleStatus })
	return c
}

// drop says whether the event is certainly outside a filter, and counts it.
func (c *filterCheck) drop(e *AppWhitelistEventResponseInfo) bool {
	name, out := c.outside(e)
	if out {
		c.mu.Lock()
		c.dropped[name]++
		c.mu.Unlock()
	}
	return out
}

// outside names the first filter the event certainly fails.
func (c *filterCheck) outside(e *AppWhitelistEventResponseInfo) (string, bool) {
	for _, f := range c.filters {
		v := f.field(e)
		if v == nil {
			continue // the event does not say: kept
		}
		if f.exact && *v != f.want || !f.exact && !strings.Contains(strings.ToLower(*v), strings.ToLower(f.want)) {
			return f.name, true
		}
	}
	return "", false
}

// warnings says, once per filter, how many events the service returned
// that the filter excludes.
func (c *filterCheck) warnings() []paging.Warning {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []paging.Warning
	for _, f := range c.filters {
		if n := c.dropped[f.name]; n > 0 {
			rule := "does not contain"
			if f.exact {
				rule = "is not"
			}
			out = append(out, paging.Warning{
				Summary: "HSS did not apply the filter " + f.name,
				Detail: fmt.Sprintf("%s returned %d events whose %s %s %q, though the request filtered on it. They were dropped and "+
					"are not counted anywhere (total_num still counts what the API reported): the service did not apply the "+
					"filter, or reads it in a way its documents do not say.", ActionListAppWhitelistEvent, n, f.name, rule, f.want),
			})
		}
	}
	return out
}
