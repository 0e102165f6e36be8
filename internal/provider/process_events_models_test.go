package provider

import (
	"testing"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/processevent"
)

// TestNormalizedUnknownIsNotOther: an absent native value is unknown (0), a
// present one the table does not know is other (99), as OCSF means them.
func TestNormalizedUnknownIsNotOther(t *testing.T) {
	empty, odd, high := "", "SEVERE", "HIGH"
	for _, tc := range []struct {
		native *string
		want   string
		id     int64
	}{{nil, "unknown", 0}, {&empty, "unknown", 0}, {&odd, "other", 99}, {&high, "high", 4}} {
		s, id := normalized(processevent.Normalize(tc.native, processevent.TCSSSeverities, processevent.SeverityIDs))
		if s.ValueString() != tc.want || id.ValueInt64() != tc.id {
			t.Errorf("%v: %s %d, want %s %d", tc.native, s.ValueString(), id.ValueInt64(), tc.want, tc.id)
		}
	}
}

// TestMillisecondCompanionsKeepMilliseconds: two events of one second do
// not compare equal, and a whole second has no fraction.
func TestMillisecondCompanionsKeepMilliseconds(t *testing.T) {
	for ms, want := range map[int64]string{
		1731385152051: "2024-11-12T04:19:12.051Z",
		1731385152000: "2024-11-12T04:19:12Z",
		1731385152500: "2024-11-12T04:19:12.5Z",
	} {
		if got := msRFC3339(&ms).ValueString(); got != want {
			t.Errorf("%d: %s, want %s", ms, got, want)
		}
		if got := rfc3339Of(processevent.FromHSS(&huaweicloud.AppWhitelistEventResponseInfo{OccurTime: &ms}).Time).ValueString(); got != want {
			t.Errorf("%d: %s, want %s", ms, got, want)
		}
	}
}
