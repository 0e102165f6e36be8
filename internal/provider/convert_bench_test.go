package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// BenchmarkHSSEventsToState measures what the data source does with events
// once read: map them onto the model and set the state, at two sizes, so the
// cost per event shows whether the conversion stays linear.
//
//	go test -run '^$' -bench BenchmarkHSSEventsToState -benchmem ./internal/provider/
func BenchmarkHSSEventsToState(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		events := readGeneratedEvents(b, n)
		b.Run(fmt.Sprintf("%d_events", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				models := make([]hssEventModel, len(events))
				for i := range events {
					models[i] = newHSSEventModel(&events[i])
				}
				model := hssEventsModel{Events: types.ListNull(eventObjectType())}
				state := emptyHSSState(ctx)
				if diags := state.Set(ctx, &model); diags.HasError() {
					b.Fatal(diags)
				}
				if err := setAttributeValue(ctx, &state, "events", models); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/event")
		})
	}
}

// readGeneratedEvents reads n generated events from a local cloud.
func readGeneratedEvents(b *testing.B, n int) []huaweicloud.AppWhitelistEventResponseInfo {
	b.Helper()
	srv := localcloud.StartForTest(b, localcloud.Config{HSSEvents: n})
	client, err := huaweicloud.NewClient(huaweicloud.Config{
		AccessKey: localcloud.HuaweiAccessKey, SecretKey: localcloud.HuaweiSecretKey, ProjectID: localcloud.HuaweiProjectID,
		Endpoint: srv.URL(), RequestsPerSecond: 1000,
	})
	if err != nil {
		b.Fatal(err)
	}
	days := int32(30)
	res, err := huaweicloud.ReadEvents(context.Background(), client, huaweicloud.Query{LastDays: &days}, huaweicloud.DefaultConcurrency)
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Events) != n {
		b.Fatalf("read %d events, want %d", len(res.Events), n)
	}
	return res.Events
}

// benchSizes are the event counts of BenchmarkHSSEventsToState.
var benchSizes = []int{5000, 50000}
