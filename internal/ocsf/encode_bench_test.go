package ocsf

import (
	"testing"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/processevent"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// BenchmarkEncode encodes the reference events (fully populated, as real
// events rarely are) and id-and-time-only ones (as sparse events nearly are).
func BenchmarkEncode(b *testing.B) {
	t := &testing.T{}
	tcss, hss := referenceTCSS(t), referenceHSS(t)[0]
	parse := parseIn(shanghai)
	for name, event := range map[string]func() processevent.Event{
		"tcss-full": func() processevent.Event { return processevent.FromTCSS(&tcss, parse) },
		"hss-full":  func() processevent.Event { return processevent.FromHSS(&hss) },
		"tcss-sparse": func() processevent.Event {
			return processevent.FromTCSS(&tencentcloud.AbnormalProcessEventInfo{Id: ptr("1"), FoundTime: ptr("2026-11-30 08:00:00"),
				Status: ptr("EVENT_UNDEAL"), MatchRuleLevel: ptr("HIGH"), HostIP: ptr("10.0.0.1"), ProcessPath: ptr("/usr/bin/nc")}, parse)
		},
		"hss-sparse": func() processevent.Event {
			return processevent.FromHSS(&huaweicloud.AppWhitelistEventResponseInfo{EventID: ptr("h"), OccurTime: ptr(int64(1764489600051)),
				Severity: ptr("High"), HandleStatus: ptr("unhandled"), HostName: ptr("web-1"), PrivateIP: ptr("192.168.0.1")})
		},
	} {
		b.Run(name, func(b *testing.B) {
			e := event()
			e.Region = "r"
			size := 0
			b.ReportAllocs()
			for b.Loop() {
				out, err := Encode(&e)
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			b.ReportMetric(float64(size), "bytes/finding")
		})
	}
}
