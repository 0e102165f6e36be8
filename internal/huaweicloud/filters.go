package huaweicloud

import (
	"fmt"
	"strings"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/recheck"
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

// newFilterCheck re-checks the server-side filters on what comes back: the
// SDK dropped private_ip from its request (0.1.170) and the reference says
// nothing of how host_name or host_ip match. host_name, host_ip and
// private_ip may be matched exactly or as a part, in any case: only an
// event whose field does not contain the value certainly fails;
// handle_status is a documented value set, matched exactly.
func newFilterCheck(q Query) *recheck.Check[AppWhitelistEventResponseInfo] {
	var filters []recheck.Filter[AppWhitelistEventResponseInfo]
	part := func(name string, want *string, value func(*AppWhitelistEventResponseInfo) *string) {
		if want != nil {
			w := strings.ToLower(*want)
			filters = append(filters, recheck.Filter[AppWhitelistEventResponseInfo]{Name: name, Value: value,
				Fails: func(v string) bool { return !strings.Contains(strings.ToLower(v), w) },
				Rule:  fmt.Sprintf("does not contain %q", *want)})
		}
	}
	part("host_name", q.HostName, (*AppWhitelistEventResponseInfo).Host)
	part("host_ip", q.HostIP, func(e *AppWhitelistEventResponseInfo) *string {
		if e.ResourceInfo == nil {
			return nil
		}
		return e.ResourceInfo.HostIP
	})
	// resource_info has no private address (its host_ip may be either), so
	// only the event's own private_ip is compared.
	part("private_ip", q.PrivateIP, func(e *AppWhitelistEventResponseInfo) *string { return e.PrivateIP })
	if q.HandleStatus != nil {
		want := *q.HandleStatus
		filters = append(filters, recheck.Filter[AppWhitelistEventResponseInfo]{Name: "handle_status",
			Value: func(e *AppWhitelistEventResponseInfo) *string { return e.HandleStatus },
			Fails: func(v string) bool { return v != want }, Rule: fmt.Sprintf("is not %q", want)})
	}
	return recheck.New("HSS", ActionListAppWhitelistEvent, filters)
}
