package provider

import (
	"errors"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

func TestStateBudget(t *testing.T) {
	const kib = 1 << 10
	each := func(size int, kept bool) func(int) (int, bool) { return func(int) (int, bool) { return size, kept } }
	newBudget := func(limit int64, maxResults types.Int64) *stateBudget {
		b := newStateBudget(maxResults)
		b.limit = limit
		return b
	}
	var tooLarge *stateTooLargeError

	// 10,000 events of 1 KiB against 5 MiB: the first page of 100 says so.
	b := newBudget(5<<20, types.Int64Null())
	if err := b.add(0, 10_000, 100, each(kib, true)); !errors.As(err, &tooLarge) || !tooLarge.estimated || tooLarge.events != 10_000 {
		t.Fatalf("first page of a list that cannot fit: %v", err)
	}
	if got := tooLarge.fits(); got != 5*1024 {
		t.Errorf("fits %d events, want 5120", got)
	}

	// The same list with max_results 4,000 fits: no error until the end.
	b = newBudget(5<<20, types.Int64Value(4000))
	for range 100 {
		if err := b.add(0, 10_000, 100, each(kib, true)); err != nil {
			t.Fatalf("max_results below the limit: %v", err)
		}
	}

	// Half the events filtered out client-side: the projection counts the kept ones.
	b = newBudget(5<<20, types.Int64Null())
	if err := b.add(0, 9000, 100, func(i int) (int, bool) { return kib, i%2 == 0 }); err != nil {
		t.Fatalf("4,500 kept events of 1 KiB fit in 5 MiB: %v", err)
	}

	// Totals of windows add up as their first pages arrive.
	b = newBudget(5<<20, types.Int64Null())
	if err := b.add(0, 3000, 100, each(kib, true)); err != nil {
		t.Fatal(err)
	}
	if err := b.add(1, 3000, 100, each(kib, true)); !errors.As(err, &tooLarge) {
		t.Fatalf("two windows of 3,000 events of 1 KiB against 5 MiB: %v", err)
	}

	// Just over, measured at the end: exact numbers.
	b = newBudget(100*kib, types.Int64Null())
	if err := b.check(101, 101*kib); !errors.As(err, &tooLarge) || tooLarge.estimated || tooLarge.events != 101 {
		t.Fatalf("just over: %v", err)
	}
	if err := b.check(100, 100*kib); err != nil {
		t.Fatalf("exactly at the limit: %v", err)
	}
}

// BenchmarkStateSizePerEvent reports the state each generated HSS event
// takes, and how many fit under the limit, for each shape:
//
//	go test -run '^$' -bench BenchmarkStateSizePerEvent -benchtime 1x ./internal/provider/
func BenchmarkStateSizePerEvent(b *testing.B) {
	for _, shape := range []struct {
		name  string
		shape localcloud.Shape
	}{{"full", localcloud.ShapeFull}, {"sparse", localcloud.ShapeSparse}, {"mixed", localcloud.ShapeMixed}} {
		b.Run(shape.name, func(b *testing.B) {
			const n = 2000
			events := readLocalEvents(b, n, shape.shape)
			keep := keepHSSEventsEncoded(newStateBudget(types.Int64Null()), nil)
			var size int64
			for b.Loop() {
				kept, err := keep(huaweicloud.Page{Total: n, Events: events})
				if err != nil {
					b.Fatal(err)
				}
				size = encodedSize(hssListElements(kept))
			}
			b.ReportMetric(float64(size)/n, "bytes/event")
			b.ReportMetric(float64(maxStateBytes.Load())/(float64(size)/n), "events-fit")
		})
	}
}
