package ratelimit

import (
	"context"
	"fmt"
	"math"
	"os"
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
	}
}

// sweepLimiter is a Limiter whose recovery is a sweepVariant's: it keeps
// the Limiter's pacing (take) and state, and replaces Observe. It is not
// safe for concurrent use (the simulation is not concurrent).
type sweepLimiter struct {
	*Limiter
	v                sweepVariant
	cutTo, target, k float64
	accepted         []time.Time // answers accepted in the last second
	sinceCut         int         // answers accepted since the last cut
}

func (v sweepVariant) limiter(name string, rps float64, clock Clock) limiter {
	return &sweepLimiter{Limiter: New(name, rps, clock), v: v}
}

func (l *sweepLimiter) Observe(_ context.Context, p Permit, throttled bool) {
	now := l.clock.Now()
	i := 0
	for i < len(l.accepted) && !l.accepted[i].After(now.Add(-time.Second)) {
		i++
	}
	l.accepted = l.accepted[i:]
	delivered := float64(len(l.accepted))
	if throttled {
		if p.cuts != l.cuts {
			return
		}
		l.lastMax, l.lastCut = l.rate, now
		l.cuts++
		beta := l.v.Beta
		if l.v.Gamma > 0 {
			beta = min(beta, l.v.Gamma)
		}
		l.cutTo = min(max(l.rate*beta, l.v.Gamma*delivered, MinRate), l.lastMax)
		l.target = max(l.cutTo, min(l.lastMax, l.v.Theta*delivered))
		l.k = 0
		if l.v.Growth > 0 {
			l.k = math.Cbrt((l.lastMax - l.cutTo) / (l.v.Growth * l.lastMax))
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
	case v.Growth > 0:
		d := t - l.k
		r := l.lastMax * (1 + v.Growth*d*d*d)
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

func TestRateLimitSweep(t *testing.T) {
	if os.Getenv("CWPP_RATELIMIT_SWEEP") == "" {
		t.Skip("a research tool: CWPP_RATELIMIT_SWEEP=1 runs it")
	}
	workers, requests, q, latency := sweepRuns()
	vs := sweepVariants()
	if only := os.Getenv("CWPP_RATELIMIT_ONLY"); only != "" {
		var n int
		_, _ = fmt.Sscanf(only, "%d", &n)
		vs = vs[n : n+1]
	}
	for _, v := range vs {
		worstWall, worstMean, worstShare, failed, worstCell, cells := 0.0, 0.0, 0.0, 0, "", ""
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
					failed += cellFailed
					cells += fmt.Sprintf(" %.2f/%.0f%%", wall, 100*share)
					if cellFailed > 0 {
						cells += fmt.Sprintf("/%d failed", cellFailed)
					}
					if wall > worstWall {
						worstWall, worstCell = wall, fmt.Sprintf("%s, %v apart, K=%d", model, stagger, runs)
					}
					worstMean, worstShare = max(worstMean, mean), max(worstShare, share)
				}
				cells += " |"
			}
		}
		fmt.Printf("%-48s worst %.2fx (%s), worst mean %.2fx, throttled at most %.1f%%, %d failed\n   worst wall/throttled by cell (model: together K=2 3 5 | 2 s apart K=2 3 5):%s\n",
			v.Name, worstWall, worstCell, worstMean, 100*worstShare, failed, cells)
	}
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
	v := sweepVariants()[0]
	if i := os.Getenv("CWPP_RATELIMIT_VARIANT"); i != "" {
		var n int
		_, _ = fmt.Sscanf(i, "%d", &n)
		v = sweepVariants()[n]
	}
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
