package ratelimit

import (
	"container/heap"
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/quota"
)

// The simulation runs K provider instances that share one account's quota,
// in simulated time: each has its own Limiter, as separate machines would,
// and W requests in flight (Terraform's -parallelism), N requests in all.
// The server counts requests as a gateway's quota does, one of three ways
// (package quota, as the local cloud does); throttled requests are retried with full jitter like
// retry.Policy, at most maxRetries times while nothing gets through.

type simConfig struct {
	runs, workers, requests int
	quota, ceiling          float64
	model                   quota.Model
	latency                 time.Duration
	jitter                  float64       // each request's latency is latency·(1 ± jitter), uniformly
	stagger                 time.Duration // runs start spread over this
	maxRetries              int
	// countEveryThrottle counts every throttled answer against maxRetries,
	// as retry.Policy did before; otherwise one counts only when the run had
	// no answer accepted since the request's last attempt, with at most
	// sharedQuotaRetries·maxRetries uncounted retries a request, as it does.
	countEveryThrottle bool
	seed               uint64
	// newLimiter, when set, replaces New: the baseline of a comparison.
	newLimiter func(name string, rps float64, clock Clock) limiter
}

// limiter is what the simulation needs of a Limiter.
type limiter interface {
	take(now time.Time) (Permit, time.Duration)
	Observe(ctx context.Context, p Permit, throttled bool)
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

type simClock struct {
	now time.Time
	// left holds, by name, each run started and not finished and its
	// requests not yet answered: what no run can know of the others, for
	// the sweep's oracles (OracleK, OracleAlone, OracleRemain).
	left map[string]int
}

// active counts the runs started and not finished.
func (c *simClock) active() int { return len(c.left) }

func (c *simClock) Now() time.Time { return c.now }
func (c *simClock) Sleep(context.Context, time.Duration) error {
	panic("the simulation never sleeps")
}

// simBackoff is the research knob CWPP_RATELIMIT_BACKOFF="base_ms floor":
// a retry waits base·2^attempt·(floor + (1−floor)·U[0,1]).
func simBackoff() (time.Duration, float64) {
	ms, floor := 250.0, 0.0
	if s := os.Getenv("CWPP_RATELIMIT_BACKOFF"); s != "" {
		_, _ = fmt.Sscanf(s, "%g %g", &ms, &floor)
	}
	return time.Duration(ms * float64(time.Millisecond)), floor
}

// simRand is a simulated run's draws, seeded by its name and start: every
// simulation is reproducible.
func simRand(name string, start time.Time) *rand.Rand {
	seed := fnv.New64a()
	_, _ = seed.Write([]byte(name))
	return rand.New(rand.NewPCG(seed.Sum64(), uint64(start.UnixNano())))
}

// sharedQuotaRetries is retry.SharedQuotaRetries (retry imports this
// package, so its tests cannot import retry).
const sharedQuotaRetries = 4

func simulate(cfg simConfig) simResult {
	rng := rand.New(rand.NewPCG(cfg.seed, 1))
	clock := &simClock{now: time.Unix(1_000_000, 0), left: map[string]int{}}
	start := clock.now
	var queue events
	at := func(t time.Time, do func()) { heap.Push(&queue, event{t, do}) }

	var res simResult
	overQuota := quota.New(cfg.model, cfg.quota, start).Over
	base, floor := simBackoff()
	backoff := func(attempt int) time.Duration {
		ceiling := min(base<<attempt, 8*time.Second)
		d := time.Duration(rng.Int64N(int64(ceiling) + 1)) // seeded: the simulation is deterministic
		return time.Duration(floor*float64(ceiling)) + time.Duration((1-floor)*float64(d))
	}
	last, first := start, start.Add(cfg.stagger)
	for r := 0; r < cfg.runs; r++ {
		name := fmt.Sprintf("run %d of seed %d", r, cfg.seed) // seeds a law that draws
		var lim limiter
		if cfg.newLimiter != nil {
			lim = cfg.newLimiter(name, cfg.ceiling, clock)
		} else {
			l := New(name, cfg.ceiling, clock)
			l.uniform = simRand(name, clock.Now()).Float64
			lim = l
		}
		left := cfg.requests
		accepted, finished := 0, 0
		offset := time.Duration(0)
		if cfg.runs > 1 {
			offset = time.Duration(rng.Int64N(int64(cfg.stagger) + 1))
		}
		if t := start.Add(offset); t.Before(first) {
			first = t
		}
		answered := func() { // a request accepted, or failed
			if finished++; finished == cfg.requests {
				delete(clock.left, name)
			} else {
				clock.left[name] = cfg.requests - finished
			}
		}
		var request func(attempt, free, mark int)
		var next func()
		request = func(attempt, free, mark int) {
			p, wait := lim.take(clock.now)
			if wait > 0 {
				at(clock.now.Add(wait), func() { request(attempt, free, mark) })
				return
			}
			res.sent++
			latency := cfg.latency
			if cfg.jitter > 0 {
				latency = time.Duration(float64(latency) * (1 + cfg.jitter*(2*rng.Float64()-1)))
			}
			throttled := overQuota(clock.now.Add(latency / 2))
			at(clock.now.Add(latency), func() {
				lim.Observe(context.Background(), p, throttled)
				last = clock.now
				switch {
				case !throttled:
					accepted++
					answered()
					next()
				case !cfg.countEveryThrottle && accepted > mark && free < sharedQuotaRetries*cfg.maxRetries:
					res.throttled++
					at(clock.now.Add(backoff(attempt)), func() { request(attempt, free+1, accepted) })
				case attempt >= cfg.maxRetries:
					res.failed++
					answered()
					next()
				default:
					res.throttled++
					at(clock.now.Add(backoff(attempt)), func() { request(attempt+1, free, accepted) })
				}
			})
		}
		next = func() {
			if left == 0 {
				return
			}
			if left == cfg.requests {
				clock.left[name] = cfg.requests // the run's first request
			}
			left--
			request(0, 0, accepted)
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
	res.wall = last.Sub(first)
	return res
}

// TestSharedQuotaSimulation runs K Terraform runs of 200 requests each
// against a 20/s quota, on each of the three ways gateways count a quota,
// started together and spread over 2 s, with each answer's latency exact
// and spread by ±10% (runs on other machines are never in step), 20 seeds
// each: the figures are the limiter's, in simulated time; make bench
// measures the real thing. A wall runs from the first run's start to the
// last answer, as make bench times it. Every read succeeds and at most 10%
// of requests are throttled everywhere; a run alone is not slowed. The
// walls are guarded at what the limiter reaches (the worst seed, rounded
// up), which is above the 1.2x of the quota's bound that issue 29 aims at
// in some cells (every sliding-window cell, up to 1.27x, and one
// fixed-window cell); the mean over the seeds is within 1.2x everywhere.
// The sweep in sweep_test.go measures other control laws on this grid.
func TestSharedQuotaSimulation(t *testing.T) {
	// worst wall allowed, by latency spread (none, ±10%), model, stagger (0 or 2 s) and K
	bound := map[float64]map[quota.Model][2]map[int]float64{
		0: {
			quota.FixedWindow:   {{1: 1.02, 2: 1.19, 3: 1.20, 5: 1.14}, {1: 1.02, 2: 1.19, 3: 1.17, 5: 1.12}},
			quota.SlidingWindow: {{1: 1.02, 2: 1.22, 3: 1.23, 5: 1.21}, {1: 1.02, 2: 1.27, 3: 1.25, 5: 1.20}},
			quota.TokenBucket:   {{1: 1.02, 2: 1.19, 3: 1.12, 5: 1.08}, {1: 1.02, 2: 1.14, 3: 1.10, 5: 1.07}},
		},
		0.1: {
			quota.FixedWindow:   {{1: 1.02, 2: 1.19, 3: 1.23, 5: 1.12}, {1: 1.02, 2: 1.19, 3: 1.16, 5: 1.13}},
			quota.SlidingWindow: {{1: 1.02, 2: 1.24, 3: 1.24, 5: 1.22}, {1: 1.02, 2: 1.25, 3: 1.25, 5: 1.23}},
			quota.TokenBucket:   {{1: 1.02, 2: 1.12, 3: 1.08, 5: 1.09}, {1: 1.02, 2: 1.08, 3: 1.09, 5: 1.09}},
		},
	}
	for _, jitter := range []float64{0, 0.1} {
		for _, model := range quota.Models {
			for i, stagger := range []time.Duration{0, 2 * time.Second} {
				for _, runs := range []int{1, 2, 3, 5} {
					maxShare, maxWall, sumWall, failed := 0.0, 0.0, 0.0, 0
					const seeds = 20
					for seed := range uint64(seeds) {
						res := simulate(simConfig{runs: runs, workers: 10, requests: 200, quota: 20, ceiling: 20, model: model,
							latency: 30 * time.Millisecond, jitter: jitter, stagger: stagger, maxRetries: 5, seed: seed})
						wall := res.wall.Seconds() / (float64(runs*200) / 20)
						maxShare, maxWall, sumWall = max(maxShare, float64(res.throttled)/float64(res.sent)), max(maxWall, wall), sumWall+wall
						failed += res.failed
					}
					t.Logf("latency ±%2.0f%%, %-14s started %v apart, K=%d: wall %.3fx the quota's bound (worst %.3fx); throttled at most %.1f%%; %d failed",
						100*jitter, model, stagger, runs, sumWall/seeds, maxWall, 100*maxShare, failed)
					if want := bound[jitter][model][i][runs]; failed > 0 || maxShare > 0.10 || maxWall > want || sumWall/seeds > 1.2 {
						t.Errorf("latency ±%.0f%%, %s, %v apart, K=%d: %d failed, worst throttled share %.3f (want ≤ 0.10), worst wall %.3fx (want ≤ %.2fx), mean %.3fx (want ≤ 1.2x)",
							100*jitter, model, stagger, runs, failed, maxShare, maxWall, want, sumWall/seeds)
					}
				}
			}
		}
	}
}

// TestSharedQuotaRetries runs the share where reads failed most when every
// throttled answer counted against max_retries: 5 runs sharing 5/s, about a
// request a second each, each answer's latency spread by ±20%, on the three
// counters, started together and over 2 s. A refusal counts only while
// nothing of the run gets through (retry.Policy), so no read fails; the
// old count, run beside it, fails some, or the test would prove nothing.
func TestSharedQuotaRetries(t *testing.T) {
	const seeds = 20
	var failed, failedBefore, sent, throttled int
	for _, model := range quota.Models {
		for _, stagger := range []time.Duration{0, 2 * time.Second} {
			for seed := range uint64(seeds) {
				cfg := simConfig{runs: 5, workers: 10, requests: 200, quota: 5, ceiling: 5, model: model,
					latency: 30 * time.Millisecond, jitter: 0.2, stagger: stagger, maxRetries: 5, seed: 4000 + seed}
				res := simulate(cfg)
				failed, sent, throttled = failed+res.failed, sent+res.sent, throttled+res.throttled
				cfg.countEveryThrottle = true
				failedBefore += simulate(cfg).failed
			}
		}
	}
	t.Logf("5 runs sharing 5/s, %d simulations: %d failed reads (every refusal counted: %d); %.1f%% of requests throttled",
		6*seeds, failed, failedBefore, 100*float64(throttled)/float64(sent))
	if failed > 0 || failedBefore == 0 {
		t.Errorf("%d failed reads, want 0; with every refusal counted %d, want some", failed, failedBefore)
	}
}

// TestSharedQuotaSplit runs the grid's shares when the runs know their
// number, as a CI matrix of K jobs does: each sets requests_per_second to
// the quota divided by K, rounded down (the attribute is a whole number).
// Their ceilings add up to less than the quota, so nothing is refused on
// any counter, and every seed ends within 1.2x of the quota's bound, what
// the adaptive limiter alone reaches on the mean only (README, "Runs that
// know how many share the quota").
func TestSharedQuotaSplit(t *testing.T) {
	for _, jitter := range []float64{0, 0.1} {
		for _, model := range quota.Models {
			for _, stagger := range []time.Duration{0, 2 * time.Second} {
				for _, runs := range []int{2, 3, 5} {
					maxWall, throttled, failed := 0.0, 0, 0
					for seed := range uint64(20) {
						res := simulate(simConfig{runs: runs, workers: 10, requests: 200, quota: 20, ceiling: float64(20 / runs), model: model,
							latency: 30 * time.Millisecond, jitter: jitter, stagger: stagger, maxRetries: 5, seed: seed})
						maxWall = max(maxWall, res.wall.Seconds()/(float64(runs*200)/20))
						throttled, failed = throttled+res.throttled, failed+res.failed
					}
					t.Logf("latency ±%2.0f%%, %-14s started %v apart, K=%d at %d/s each: worst wall %.3fx the quota's bound; %d throttled, %d failed",
						100*jitter, model, stagger, runs, 20/runs, maxWall, throttled, failed)
					if failed > 0 || throttled > 0 || maxWall > 1.2 {
						t.Errorf("latency ±%.0f%%, %s, %v apart, K=%d: %d failed, %d throttled (want 0 and 0), worst wall %.3fx (want ≤ 1.2x)",
							100*jitter, model, stagger, runs, failed, throttled, maxWall)
					}
				}
			}
		}
	}
}
