package ratelimit

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/quota"
)

// The sweep is a research tool for issue 29, not a test: it runs
// TestSharedQuotaSimulation's grid (3 gateway counters x started together /
// over 2 s x K = 2, 3, 5, 20 seeds) for variants of the limiter's control
// law and prints, for each, the worst wall over every cell (the quota's
// bound is 1x), the worst cell's mean over its seeds, and the worst share of
// requests throttled. Variants are values of sweepVariant; the limiter's own
// law is the first. Run it with
//
//	CWPP_RATELIMIT_SWEEP=1 go test -run TestRateLimitSweep -v ./internal/ratelimit/
//
// CWPP_RATELIMIT_SWEEP="workers requests quota latency_ms" changes the runs
// (default "10 200 20 30"); CWPP_RATELIMIT_ONLY=N runs variant N alone.
// CWPP_RATELIMIT_TRACE="model K stagger_s seed" prints one run's
// second-by-second requests, refusals and rate per run (seed -1: every
// seed's wall and share) for variant CWPP_RATELIMIT_VARIANT (default 0).
//
// A law chosen on the test's 20 seeds is chosen for those seeds, so two
// more tools measure what it does elsewhere:
//
//	CWPP_RATELIMIT_FRESH=1 go test -run TestRateLimitFresh -v ./internal/ratelimit/
//
// runs the same grid on 100 other seeds with 10, 4 and 2 requests in flight
// per run, and
//
//	CWPP_RATELIMIT_ROBUST=0.2 go test -run TestRateLimitRobust -v ./internal/ratelimit/
//
// compares variant 0 with CWPP_RATELIMIT_VARIANT (default the last) away
// from the test's runs: other quotas, latencies, sizes and parallelism, each
// answer's latency spread by ±20% (the value given).

// sweepVariant is a control law: on a throttled answer to a request sent
// after the last cut, the rate becomes Beta·rate or, with a floor (Gamma >
// 0), max(min(Beta, Gamma)·rate, Gamma·delivered), the delivered rate being
// the answers accepted in the last second; afterwards it follows one of four recoveries, t seconds after the
// cut:
//   - Growth > 0 (the limiter's): lastMax·(1 + Growth·(t−K)³), K =
//     ∛((lastMax − cut)/(Growth·lastMax)); past K also lastMax + Probe·ceiling·(t−K)
//     and, with Tau, lastMax·e^((t−K)/Tau);
//   - AIMD (A or C > 0): cut + ceiling·(s_a·A·t + s_c·C·t³), s_a = (lastMax/ceiling)^PA,
//     s_c = (lastMax/ceiling)^P: growth the same for every run (P = PA = 0) is fair
//     and fast for a survivor, but the refusals grow with K²;
//   - FastConcave: back to Theta·delivered in FK seconds, held FH, then the AIMD probe;
//   - PerRequest: cut + ceiling·(RA·n + RC·n³), n the answers accepted since the cut.
type sweepVariant struct {
	Name               string
	Beta, Gamma        float64
	Growth, Probe, Tau float64
	A, C, P, PA        float64
	FastConcave        bool
	FK, FH, Theta      float64
	PerRequest         bool
	RA, RC             float64
	// Abs > 0: the cubic in requests per second (the AWS SDK's form), Abs
	// of the ceiling per s³: lastMax + Abs·ceiling·(t−K)³, the same for
	// every run, so runs converge to equal shares.
	Abs float64
	// Jitter spreads each cut's Beta over Beta·(1 ± Jitter), so runs cut in
	// the same instant part ways; Deep is the Beta of a cut with no accepted
	// answer since the one before.
	Jitter, Deep float64
	// FastConv is RFC 9438's fast convergence: a cut below the last cut's
	// rate regrows only to rate·(1+FastConv)/2.
	FastConv float64
	// CutS deepens a cut with the run's share s of the ceiling: the rate
	// keeps Beta − CutS·s.
	CutS float64
	// DeliveredN > 0 measures the delivered rate over the last DeliveredN
	// accepted answers when they span more than a second: at a request or
	// two a second, one second's count is 0, 1 or 2.
	DeliveredN int
	// KReq > 0 stretches the cubic's recovery (Growth > 0) to at least
	// KReq requests at the rate cut from: K = max(∛(…), KReq/lastMax).
	KReq float64
}

func sweepVariants() []sweepVariant {
	return []sweepVariant{
		{Name: "today", Beta: Beta, Growth: Growth, Probe: Probe},
		// the best of the frontier at ≤ 10% throttled found on 2026-12-02
		{Name: "AIMD floor 0.85, A 0.003, C 0.004, P 1", Beta: 0.7, Gamma: 0.85, A: 0.003, C: 0.004, P: 1, PA: 1},
		{Name: "AIMD floor 0.80, A 0.005, C 0.004, P 1", Beta: 0.7, Gamma: 0.8, A: 0.005, C: 0.004, P: 1, PA: 1},
		// walls near 1.2x, throttling over 10% at K = 5
		{Name: "AIMD floor 0.85, A 0.01, C 0.01, P 1", Beta: 0.7, Gamma: 0.85, A: 0.01, C: 0.01, P: 1, PA: 1},
		{Name: "fast concave 0.5 s, hold 1 s, 0.9 delivered", Beta: 0.7, Gamma: 0.85, FastConcave: true, FK: 0.5, FH: 1, Theta: 0.9, A: 0.01, C: 0.03, P: 1, PA: 1},
		// growth counted in requests, not seconds: a run left low regrows slowly (1.35x to 2.4x)
		{Name: "per request, floor 0.85, A 0.004, C 2e-6", Beta: 0.7, Gamma: 0.85, PerRequest: true, RA: 0.004, RC: 2e-6},
		// Tried and slower on the grid: the cut jittered (runs started
		// together cut in lockstep), RFC 9438's fast convergence, and a
		// recovery of at least 30 requests (fewer refusals at 1 request a
		// second, slow everywhere else).
		{Name: "today, cut jittered ±10%", Beta: Beta, Growth: Growth, Probe: Probe, Jitter: 0.1},
		{Name: "today, fast convergence", Beta: Beta, Growth: Growth, Probe: Probe, FastConv: Beta},
		{Name: "today, recovery at least 30 requests", Beta: Beta, Growth: Growth, Probe: Probe, KReq: 30},
		// The best of about 500 more laws (random search over Beta, CutS,
		// Gamma, A, C, P, PA, then the round numbers near the best; the
		// evening of 2026-12-02): on 100 fresh seeds with 10 in flight, 3.6%
		// of shared runs past 1.2x (the limiter: 15.8%), worst cell's mean
		// 1.18x (1.25x), throttled ≤ 9.8%; but it fails far more reads where a
		// run's share is near 1 request a second (quota 5/s, 5 runs: 239
		// against 50 in 300 simulations each), see TestRateLimitRobust.
		{Name: "floor, growth by share", Beta: 0.7, Gamma: 0.85, A: 0.02, C: 0.002, P: 0.5, PA: 2},
		// Its floor measured over the last answers: fewer failed reads at
		// small shares (239 to 86 with 10; the limiter: 50). The last
		// variant is where the next attempt starts.
		{Name: "floor over 20 answers, growth by share", Beta: 0.7, Gamma: 0.85, A: 0.02, C: 0.002, P: 0.5, PA: 2, DeliveredN: 20},
		{Name: "floor over 10 answers, growth by share", Beta: 0.7, Gamma: 0.85, A: 0.02, C: 0.002, P: 0.5, PA: 2, DeliveredN: 10},
	}
}

// sweepLimiter is a Limiter whose recovery is a sweepVariant's: it keeps
// the Limiter's pacing (take) and state, and replaces Observe. It is not
// safe for concurrent use (the simulation is not concurrent).
type sweepLimiter struct {
	*Limiter
	v                sweepVariant
	cutTo, target, k float64
	growth           float64     // the cubic's, after a cut
	accepted         []time.Time // answers accepted in the last second (or the last DeliveredN)
	sinceCut         int         // answers accepted since the last cut
	rng              *rand.Rand
}

func (v sweepVariant) limiter(name string, rps float64, clock Clock) limiter {
	// The simulation names each run and starts it at a seeded time: the
	// jitter is as reproducible as the rest.
	seed := fnv.New64a()
	_, _ = seed.Write([]byte(name))
	return &sweepLimiter{Limiter: New(name, rps, clock), v: v, rng: rand.New(rand.NewPCG(seed.Sum64(), uint64(clock.Now().UnixNano())))}
}

func (l *sweepLimiter) Observe(_ context.Context, p Permit, throttled bool) {
	now := l.clock.Now()
	i := 0
	for i < len(l.accepted)-l.v.DeliveredN && !l.accepted[i].After(now.Add(-time.Second)) {
		i++
	}
	l.accepted = l.accepted[i:]
	delivered := float64(len(l.accepted))
	if span := now.Sub(firstOr(l.accepted, now)).Seconds(); span > 1 {
		delivered /= span
	}
	if throttled {
		if p.cuts != l.cuts {
			return
		}
		previousMax := l.lastMax
		l.lastMax, l.lastCut = l.rate, now
		l.cuts++
		beta := l.v.Beta
		beta -= l.v.CutS * l.rate / l.ceiling
		if l.v.Deep > 0 && l.sinceCut == 0 && l.cuts > 1 {
			beta = l.v.Deep
		}
		if l.v.Jitter > 0 {
			beta *= 1 + l.v.Jitter*(2*l.rng.Float64()-1)
		}
		if l.v.Gamma > 0 {
			beta = min(beta, l.v.Gamma)
		}
		l.cutTo = min(max(l.rate*beta, l.v.Gamma*delivered, MinRate), l.lastMax)
		if l.v.FastConv > 0 && l.rate < previousMax {
			l.lastMax = max(l.cutTo, l.rate*(1+l.v.FastConv)/2)
		}
		l.target = max(l.cutTo, min(l.lastMax, l.v.Theta*delivered))
		l.k = 0
		if l.v.Growth > 0 {
			l.k = math.Cbrt((l.lastMax - l.cutTo) / (l.v.Growth * l.lastMax))
			l.growth = l.v.Growth
			if l.v.KReq > 0 && l.v.KReq/l.lastMax > l.k {
				l.k = l.v.KReq / l.lastMax
				l.growth = (l.lastMax - l.cutTo) / (l.lastMax * l.k * l.k * l.k)
			}
		}
		if l.v.Abs > 0 {
			l.k = math.Cbrt((l.lastMax - l.cutTo) / (l.v.Abs * l.ceiling))
		}
		l.rate = l.cutTo
		l.sinceCut = 0
		return
	}
	l.accepted = append(l.accepted, now)
	l.sinceCut++
	if l.rate < l.ceiling {
		l.rate = max(l.rate, min(l.after(now.Sub(l.lastCut).Seconds()), l.ceiling))
	}
}

func (l *sweepLimiter) after(t float64) float64 {
	v := l.v
	probe := func(from, u float64) float64 {
		return from + l.ceiling*(math.Pow(l.lastMax/l.ceiling, v.PA)*v.A*u+math.Pow(l.lastMax/l.ceiling, v.P)*v.C*u*u*u)
	}
	switch {
	case v.PerRequest:
		n := float64(l.sinceCut)
		return l.cutTo + l.ceiling*(v.RA*n+v.RC*n*n*n)
	case v.FastConcave:
		if t < v.FK {
			x := 1 - t/v.FK
			return l.target - (l.target-l.cutTo)*x*x*x
		}
		if t < v.FK+v.FH {
			return l.target
		}
		return probe(l.target, t-v.FK-v.FH)
	case v.Abs > 0:
		d := t - l.k
		r := l.lastMax + v.Abs*l.ceiling*d*d*d
		if d > 0 {
			r = max(r, l.lastMax+v.Probe*l.ceiling*d)
		}
		return r
	case v.Growth > 0:
		d := t - l.k
		r := l.lastMax * (1 + l.growth*d*d*d)
		if d > 0 {
			r = max(r, l.lastMax+v.Probe*l.ceiling*d)
			if v.Tau > 0 {
				r = max(r, l.lastMax*math.Exp(d/v.Tau))
			}
		}
		return r
	}
	return probe(l.cutTo, t)
}

// sweepRuns reads CWPP_RATELIMIT_SWEEP.
func sweepRuns() (workers, requests int, quotaPerSecond float64, latency time.Duration) {
	workers, requests, quotaPerSecond, ms := 10, 200, 20.0, 30.0
	if s := os.Getenv("CWPP_RATELIMIT_SWEEP"); s != "1" {
		_, _ = fmt.Sscanf(s, "%d %d %g %g", &workers, &requests, &quotaPerSecond, &ms)
	}
	return workers, requests, quotaPerSecond, time.Duration(ms * float64(time.Millisecond))
}

// sweepSelected is every variant, or variant CWPP_RATELIMIT_ONLY alone.
func sweepSelected() []sweepVariant {
	vs := sweepVariants()
	if only := os.Getenv("CWPP_RATELIMIT_ONLY"); only != "" {
		var n int
		_, _ = fmt.Sscanf(only, "%d", &n)
		vs = vs[n : n+1]
	}
	return vs
}

// sweepChosen is variant CWPP_RATELIMIT_VARIANT, or variant def.
func sweepChosen(def int) sweepVariant {
	vs := sweepVariants()
	if i := os.Getenv("CWPP_RATELIMIT_VARIANT"); i != "" {
		_, _ = fmt.Sscanf(i, "%d", &def)
	}
	return vs[def]
}

func TestRateLimitSweep(t *testing.T) {
	if os.Getenv("CWPP_RATELIMIT_SWEEP") == "" {
		t.Skip("a research tool: CWPP_RATELIMIT_SWEEP=1 runs it")
	}
	workers, requests, q, latency := sweepRuns()
	vs := sweepSelected()
	for _, v := range vs {
		g := sweepGrid(v, workers, requests, q, latency)
		fmt.Printf("%-48s worst %.2fx (%s), worst mean %.2fx, throttled at most %.1f%%, %d failed\n   worst wall/throttled by cell (model: together K=2 3 5 | 2 s apart K=2 3 5):%s\n",
			v.Name, g.worstWall, g.worstCell, g.worstMean, 100*g.worstShare, g.failed, g.cells)
	}
}

// sweepResult is a variant's figures over the grid.
type sweepResult struct {
	worstWall, worstMean, worstShare float64
	failed                           int
	worstCell, cells                 string
}

func sweepGrid(v sweepVariant, workers, requests int, q float64, latency time.Duration) sweepResult {
	var g sweepResult
	for _, model := range quota.Models {
		for _, stagger := range []time.Duration{0, 2 * time.Second} {
			for _, runs := range []int{2, 3, 5} {
				wall, mean, share, cellFailed := 0.0, 0.0, 0.0, 0
				for seed := range uint64(20) {
					res := simulate(simConfig{runs: runs, workers: workers, requests: requests, quota: q, ceiling: q, model: model,
						latency: latency, stagger: stagger, maxRetries: 5, seed: seed, newLimiter: v.limiter})
					w := res.wall.Seconds() / (float64(runs*requests) / q)
					wall, mean, share = max(wall, w), mean+w/20, max(share, float64(res.throttled)/float64(res.sent))
					cellFailed += res.failed
				}
				g.failed += cellFailed
				g.cells += fmt.Sprintf(" %.2f/%.0f%%", wall, 100*share)
				if cellFailed > 0 {
					g.cells += fmt.Sprintf("/%d failed", cellFailed)
				}
				if wall > g.worstWall {
					g.worstWall, g.worstCell = wall, fmt.Sprintf("%s, %v apart, K=%d", model, stagger, runs)
				}
				g.worstMean, g.worstShare = max(g.worstMean, mean), max(g.worstShare, share)
			}
			g.cells += " |"
		}
	}
	return g
}

func firstOr(ts []time.Time, or time.Time) time.Time {
	if len(ts) == 0 {
		return or
	}
	return ts[0]
}

// sweepRecorder counts a run's answers by second.
type sweepRecorder struct {
	*sweepLimiter
	start time.Time
	bins  map[int][3]float64 // answers, refused, rate at the last answer
}

func (r *sweepRecorder) Observe(ctx context.Context, p Permit, throttled bool) {
	r.sweepLimiter.Observe(ctx, p, throttled)
	b := int(r.clock.Now().Sub(r.start) / time.Second)
	x := r.bins[b]
	x[0]++
	if throttled {
		x[1]++
	}
	x[2] = r.rate
	r.bins[b] = x
}

func TestRateLimitTrace(t *testing.T) {
	spec := os.Getenv("CWPP_RATELIMIT_TRACE")
	if spec == "" {
		t.Skip("a research tool: CWPP_RATELIMIT_TRACE=\"model K stagger_s seed\" runs it")
	}
	var model quota.Model
	var runs, seed int
	var stagger float64
	if _, err := fmt.Sscanf(spec, "%s %d %g %d", &model, &runs, &stagger, &seed); err != nil {
		t.Fatal(err)
	}
	v := sweepChosen(0)
	workers, requests, q, latency := sweepRuns()
	cfg := simConfig{runs: runs, workers: workers, requests: requests, quota: q, ceiling: q, model: model,
		latency: latency, stagger: time.Duration(stagger * float64(time.Second)), maxRetries: 5, seed: uint64(seed)}
	bound := float64(runs*requests) / q
	if seed < 0 {
		cfg.newLimiter = v.limiter
		for s := range uint64(20) {
			cfg.seed = s
			res := simulate(cfg)
			fmt.Printf("seed %d: wall %.2fx, %.1f%% throttled\n", s, res.wall.Seconds()/bound, 100*float64(res.throttled)/float64(res.sent))
		}
		return
	}
	var recs []*sweepRecorder
	cfg.newLimiter = func(name string, rps float64, clock Clock) limiter {
		r := &sweepRecorder{sweepLimiter: v.limiter(name, rps, clock).(*sweepLimiter), start: clock.Now(), bins: map[int][3]float64{}}
		recs = append(recs, r)
		return r
	}
	res := simulate(cfg)
	fmt.Printf("%s: wall %.2fx, %.1f%% throttled; each second, each run: answers, refused, rate\n", v.Name, res.wall.Seconds()/bound, 100*float64(res.throttled)/float64(res.sent))
	for b := 0; b <= int(res.wall/time.Second)+int(stagger)+1; b++ {
		line, accepted := fmt.Sprintf("%3ds", b), 0.0
		for _, r := range recs {
			x := r.bins[b]
			accepted += x[0] - x[1]
			line += fmt.Sprintf(" | %3.0f %2.0f %5.1f", x[0], x[1], x[2])
		}
		fmt.Printf("%s || %3.0f accepted\n", line, accepted)
	}
}

// freshFigures are a variant's figures on the grid over other seeds.
type freshFigures struct {
	worst, p99, overShare, worstMean, throttled float64
	failed                                      int
}

func freshGrid(v sweepVariant, workers int) freshFigures {
	const seeds, firstSeed = 100, 1000
	var walls []float64
	var f freshFigures
	for _, model := range quota.Models {
		for _, stagger := range []time.Duration{0, 2 * time.Second} {
			for _, runs := range []int{2, 3, 5} {
				mean := 0.0
				for seed := range uint64(seeds) {
					res := simulate(simConfig{runs: runs, workers: workers, requests: 200, quota: 20, ceiling: 20, model: model,
						latency: 30 * time.Millisecond, stagger: stagger, maxRetries: 5, seed: firstSeed + seed, newLimiter: v.limiter})
					w := res.wall.Seconds() / (float64(runs*200) / 20)
					walls = append(walls, w)
					mean += w / seeds
					f.throttled = max(f.throttled, float64(res.throttled)/float64(res.sent))
					f.failed += res.failed
					if w > 1.2 {
						f.overShare++
					}
				}
				f.worstMean = max(f.worstMean, mean)
			}
		}
	}
	slices.Sort(walls)
	f.worst, f.p99, f.overShare = walls[len(walls)-1], walls[len(walls)*99/100], f.overShare/float64(len(walls))
	return f
}

func TestRateLimitFresh(t *testing.T) {
	if os.Getenv("CWPP_RATELIMIT_FRESH") == "" {
		t.Skip("a research tool: CWPP_RATELIMIT_FRESH=1 runs it")
	}
	vs := sweepSelected()
	for _, v := range vs {
		for _, workers := range []int{10, 4, 2} {
			f := freshGrid(v, workers)
			fmt.Printf("%-48s %2d in flight: worst %.2fx, p99 %.2fx, %4.1f%% of runs past 1.2x, worst cell's mean %.3fx, throttled at most %.1f%%, %d failed\n",
				v.Name, workers, f.worst, f.p99, 100*f.overShare, f.worstMean, 100*f.throttled, f.failed)
		}
	}
}

func TestRateLimitRobust(t *testing.T) {
	spec := os.Getenv("CWPP_RATELIMIT_ROBUST")
	if spec == "" {
		t.Skip("a research tool: CWPP_RATELIMIT_ROBUST=<latency jitter, e.g. 0.2> runs it")
	}
	var jitter float64
	_, _ = fmt.Sscanf(spec, "%g", &jitter)
	all := sweepVariants()
	other := sweepChosen(len(all) - 1)
	for _, c := range []struct {
		workers, requests int
		quota             float64
		latency           time.Duration
		runs              []int
		seeds             int
	}{
		{10, 200, 20, 30 * time.Millisecond, []int{1}, 20},
		{2, 200, 20, 30 * time.Millisecond, []int{2, 3, 5}, 300},
		{10, 200, 20, 200 * time.Millisecond, []int{1, 2, 3, 5}, 50},
		{10, 200, 5, 30 * time.Millisecond, []int{1, 2, 3, 5}, 50},
		{10, 400, 100, 30 * time.Millisecond, []int{1, 2, 3, 5}, 30},
		{10, 25, 10, 30 * time.Millisecond, []int{1, 3}, 100}, // the HSS bench row
		{10, 1000, 20, 30 * time.Millisecond, []int{2, 5}, 20},
	} {
		for _, v := range []sweepVariant{all[0], other} {
			for _, runs := range c.runs {
				var walls []float64
				throttled, failed := 0.0, 0
				for _, model := range quota.Models {
					for _, stagger := range []time.Duration{0, 2 * time.Second} {
						for seed := range uint64(c.seeds) {
							res := simulate(simConfig{runs: runs, workers: c.workers, requests: c.requests, quota: c.quota, ceiling: c.quota, model: model,
								latency: c.latency, jitter: jitter, stagger: stagger, maxRetries: 5, seed: 3000 + seed, newLimiter: v.limiter})
							walls = append(walls, res.wall.Seconds()/(float64(runs*c.requests)/c.quota))
							throttled = max(throttled, float64(res.throttled)/float64(res.sent))
							failed += res.failed
						}
					}
				}
				slices.Sort(walls)
				mean := 0.0
				for _, w := range walls {
					mean += w / float64(len(walls))
				}
				fmt.Printf("%2d in flight, %4d requests, quota %3.0f/s, %3d ms, K=%d, %-24.24s mean %.3fx, p95 %.2fx, worst %.2fx, throttled at most %4.1f%%, %3d failed in %d runs\n",
					c.workers, c.requests, c.quota, c.latency.Milliseconds(), runs, v.Name, mean, walls[len(walls)*95/100], walls[len(walls)-1], 100*throttled, failed, len(walls))
			}
		}
	}
}
