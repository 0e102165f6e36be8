package ratelimit

import (
	"container/heap"
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

// The simulation runs K provider instances that share one account's quota,
// in simulated time: each has its own Limiter, as separate machines would,
// and W requests in flight (Terraform's -parallelism), N requests in all.
// The server counts every request against a per-second window, as the local
// cloud and the real gateways do; throttled requests are retried with full
// jitter like retry.Policy, at most maxRetries times.

type simConfig struct {
	runs, workers, requests int
	quota, ceiling          float64
	latency                 time.Duration
	stagger                 time.Duration // runs start spread over this
	maxRetries              int
	seed                    uint64
}

type simResult struct {
	sent, throttled, failed int
	wall                    time.Duration // first start to last answer
}

type event struct {
	at time.Time
	do func()
}

type events []event

func (e events) Len() int           { return len(e) }
func (e events) Less(i, j int) bool { return e[i].at.Before(e[j].at) }
func (e events) Swap(i, j int)      { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)        { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

type simClock struct{ now time.Time }

func (c *simClock) Now() time.Time { return c.now }
func (c *simClock) Sleep(context.Context, time.Duration) error {
	panic("the simulation never sleeps")
}

func simulate(cfg simConfig) simResult {
	rng := rand.New(rand.NewPCG(cfg.seed, 1))
	clock := &simClock{now: time.Unix(1_000_000, 0)}
	start := clock.now
	var queue events
	at := func(t time.Time, do func()) { heap.Push(&queue, event{t, do}) }

	var res simResult
	window, count := int64(-1), 0
	overQuota := func(t time.Time) bool {
		if s := t.Unix(); s != window {
			window, count = s, 0
		}
		count++
		return float64(count) > cfg.quota
	}
	backoff := func(attempt int) time.Duration {
		ceiling := min(250*time.Millisecond<<attempt, 8*time.Second)
		return time.Duration(rng.Int64N(int64(ceiling) + 1)) // seeded: the simulation is deterministic
	}
	last := start
	for r := 0; r < cfg.runs; r++ {
		lim := New("sim", cfg.ceiling, clock)
		left := cfg.requests
		offset := time.Duration(0)
		if cfg.runs > 1 {
			offset = time.Duration(rng.Int64N(int64(cfg.stagger) + 1))
		}
		var request func(attempt int)
		var next func()
		request = func(attempt int) {
			p, wait := lim.take(clock.now)
			if wait > 0 {
				at(clock.now.Add(wait), func() { request(attempt) })
				return
			}
			res.sent++
			throttled := overQuota(clock.now.Add(cfg.latency / 2))
			at(clock.now.Add(cfg.latency), func() {
				lim.Observe(context.Background(), p, throttled)
				last = clock.now
				switch {
				case !throttled:
					next()
				case attempt >= cfg.maxRetries:
					res.failed++
					next()
				default:
					res.throttled++
					at(clock.now.Add(backoff(attempt)), func() { request(attempt + 1) })
				}
			})
		}
		next = func() {
			if left == 0 {
				return
			}
			left--
			request(0)
		}
		for range cfg.workers {
			at(start.Add(offset), next)
		}
	}
	for queue.Len() > 0 {
		e := heap.Pop(&queue).(event)
		clock.now = e.at
		e.do()
	}
	res.wall = last.Sub(start)
	return res
}

// TestSharedQuotaSimulation runs K Terraform runs of 200 requests each
// against a 20/s quota, 20 seeds each: the figures are the limiter's, in
// simulated time; make bench measures the real thing.
func TestSharedQuotaSimulation(t *testing.T) {
	for _, tc := range []struct {
		runs              int
		maxShare, maxWall float64 // worst over the seeds
	}{
		{1, 0, 1.03}, {2, 0.10, 1.40}, {3, 0.10, 1.30}, {5, 0.10, 1.25}, {8, 0.15, 1.25},
	} {
		maxShare, maxWall, sumShare, sumWall, failed := 0.0, 0.0, 0.0, 0.0, 0
		const seeds = 20
		for seed := range uint64(seeds) {
			res := simulate(simConfig{runs: tc.runs, workers: 10, requests: 200, quota: 20, ceiling: 20,
				latency: 20 * time.Millisecond, stagger: time.Second, maxRetries: 5, seed: seed})
			share := float64(res.throttled) / float64(res.sent)
			wall := res.wall.Seconds() / (float64(tc.runs*200) / 20)
			maxShare, maxWall = max(maxShare, share), max(maxWall, wall)
			sumShare, sumWall = sumShare+share, sumWall+wall
			failed += res.failed
		}
		t.Logf("K=%d: throttled %.1f%% (worst %.1f%%); wall %.2fx the quota's bound (worst %.2fx); %d failed", tc.runs,
			100*sumShare/seeds, 100*maxShare, sumWall/seeds, maxWall, failed)
		if failed > 0 || maxShare > tc.maxShare || maxWall > tc.maxWall {
			t.Errorf("K=%d: %d failed, worst throttled share %.3f (want ≤ %.2f), worst wall %.2fx (want ≤ %.2fx)",
				tc.runs, failed, maxShare, tc.maxShare, maxWall, tc.maxWall)
		}
	}
}
