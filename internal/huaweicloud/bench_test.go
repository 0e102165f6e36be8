package huaweicloud_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// benchLatency is the latency the local cloud adds to every request.
const benchLatency = 100 * time.Millisecond

// benchRPS is the client's rate limit in the paging benchmarks: high enough
// that the bound is the API's latency and the workers, as with a raised quota.
const benchRPS = 100

// BenchmarkPaging reads the same events from the same server, sequentially and
// concurrently, in one run: the ratio of the two is what the benchmark shows.
// It also reports the lower bound the concurrent read can reach.
//
//	go test -run '^$' -bench BenchmarkPaging -benchtime 5x ./internal/huaweicloud/
func BenchmarkPaging(b *testing.B) {
	end := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	for _, scenario := range []struct {
		name  string
		query huaweicloud.Query
	}{
		// 5,000 events of the last 30 days, sent as 15 windows of 2 days
		// (last_days itself is never sent).
		{"5000_events_last_days", huaweicloud.Query{LastDays: ptr(int32(30))}},
		// The same 5,000 events as 15 windows of 2 days, about 2 pages each.
		{"5000_events_30d_range", huaweicloud.Query{Begin: end.Add(-30 * 24 * time.Hour), End: end}},
	} {
		srv := localcloud.StartForTest(b, localcloud.Config{HSSEvents: 5000})
		srv.SetFaults(localcloud.Huawei, localcloud.Faults{Latency: benchLatency})
		client, err := huaweicloud.NewClient(huaweicloud.Config{
			AccessKey: localcloud.HuaweiAccessKey, SecretKey: localcloud.HuaweiSecretKey, ProjectID: localcloud.HuaweiProjectID,
			Endpoint: srv.URL(), RequestsPerSecond: benchRPS,
		})
		if err != nil {
			b.Fatal(err)
		}
		for _, mode := range []struct {
			name        string
			concurrency int
		}{{"sequential", 1}, {"concurrent", huaweicloud.DefaultConcurrency}} {
			b.Run(scenario.name+"/"+mode.name, func(b *testing.B) {
				var res *huaweicloud.Result[huaweicloud.AppWhitelistEventResponseInfo]
				for b.Loop() {
					res, err = huaweicloud.ReadEvents(context.Background(), client, scenario.query, mode.concurrency)
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(res.Events)), "events")
				b.ReportMetric(float64(res.Requests), "requests")
				b.ReportMetric(lowerBound(res, scenario.query, mode.concurrency).Seconds(), "bound-s")
			})
		}
	}
}

// lowerBound is the fastest a read could be: first pages, then the rest in
// rounds of `workers`, each round one latency, and never above the rate limit.
func lowerBound(res *huaweicloud.Result[huaweicloud.AppWhitelistEventResponseInfo], q huaweicloud.Query, workers int) time.Duration {
	begin, end := q.Begin, q.End
	if q.LastDays != nil {
		end = time.Now()
		begin = end.Add(-time.Duration(*q.LastDays) * 24 * time.Hour)
	}
	windows := len(huaweicloud.Windows(begin, end))
	rounds := math.Ceil(float64(windows)/float64(workers)) + math.Ceil(float64(int(res.Requests)-windows)/float64(workers))
	byLatency := time.Duration(rounds) * benchLatency
	byRate := time.Duration(float64(res.Requests-1) / benchRPS * float64(time.Second))
	return max(byLatency, byRate+benchLatency)
}

func ptr[T any](v T) *T { return &v }
