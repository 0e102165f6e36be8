package provider

import (
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/paging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// tcssTimes reads TCSS's zone-less times ("YYYY-MM-DD hh:mm:ss") in
// tencentcloud.time_zone for one read. A time it cannot read gives a null
// companion; the read then has one warning, not one per event. Safe for the
// pages converted concurrently.
type tcssTimes struct {
	zone *time.Location

	mu      sync.Mutex
	bad     int
	example string
}

func newTCSSTimes(zone *time.Location) *tcssTimes {
	if zone == nil {
		zone = time.UTC // a client built by a test without a zone
	}
	return &tcssTimes{zone: zone}
}

// parse reads s; ok is false when s is absent or empty (not counted) or
// does not read (counted for the warning).
func (t *tcssTimes) parse(s *string) (time.Time, bool) {
	v, ok := t.at(s)
	if !ok && s != nil && *s != "" {
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.bad == 0 {
			t.example = *s
		}
		t.bad++
	}
	return v, ok
}

// at reads s without counting a failure: the companions count them once.
func (t *tcssTimes) at(s *string) (time.Time, bool) {
	return tencentcloud.ParseTime(s, t.zone)
}

// rfc3339 is s's companion: the time with the zone's offset, or null.
func (t *tcssTimes) rfc3339(s *string) timetypes.RFC3339 {
	v, ok := t.parse(s)
	if !ok {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.NewRFC3339TimeValue(v)
}

// warn adds the read's one warning about times that did not read.
func (t *tcssTimes) warn(diags *diag.Diagnostics) {
	if w, ok := t.warning(); ok {
		diags.AddWarning(w.Summary, w.Detail)
	}
}

// warning is the read's one warning about times that did not read, if any.
func (t *tcssTimes) warning() (paging.Warning, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.bad == 0 {
		return paging.Warning{}, false
	}
	return paging.Warning{Summary: "TCSS times not understood", Detail: fmt.Sprintf("%d TCSS times were not of the form YYYY-MM-DD hh:mm:ss, such as %q: their *_rfc3339 companions are null "+
		"and the raw strings are kept as the API sent them.", t.bad, t.example)}, true
}
