package ratelimit

import (
	"context"
	"encoding/json"
	"fmt"
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
// law is the first, the law before issue 29 the second, and the law before
// this one the last. Run it with
//
//	CWPP_RATELIMIT_SWEEP=1 go test -run TestRateLimitSweep -v ./internal/ratelimit/
//
// CWPP_RATELIMIT_SWEEP="workers requests quota latency_ms" changes the runs
// (default "10 200 20 30"); CWPP_RATELIMIT_JITTER=0.1 spreads each answer's
// latency by ±10% (in the trace too); CWPP_RATELIMIT_ONLY=N runs variant N alone, and
// CWPP_RATELIMIT_CELLS=1 makes TestRateLimitScore print each cell of the
// grid: the mean and worst walls, the runs past 1.2x and the most throttled.
// CWPP_RATELIMIT_LAWS='[{"Name": ..., "Beta": ...}, ...]' runs the laws it
// lists instead of the variants (every tool here takes it).
// CWPP_RATELIMIT_TRACE="model K stagger_s seed" prints one run's
// second-by-second requests, refusals and rate per run (seed -1: every
// seed's wall and share) for variant CWPP_RATELIMIT_VARIANT (default 0).
// CWPP_RATELIMIT_BACKOFF="base_ms floor" changes the simulated retries'
// backoff (sim_test.go).
// CWPP_RATELIMIT_COUNT_EVERY_THROTTLE=1 counts every throttled answer
// against the retries, as retry.Policy did before it let a run's progress
// excuse them (figures dated before 2026-12-03's third stop were measured so).
//
// A law chosen on the test's 20 seeds is chosen for those seeds, so more
// tools measure what it does elsewhere:
//
//	CWPP_RATELIMIT_FRESH=1 go test -run TestRateLimitFresh -v ./internal/ratelimit/
//
// runs the same grid on 100 other seeds (CWPP_RATELIMIT_SEEDS="first n",
// default "1000 100") with 10, 4 and 2 requests in flight per run,
//
//	CWPP_RATELIMIT_ROBUST=0.2 go test -run TestRateLimitRobust -v ./internal/ratelimit/
//
// compares the limiter with CWPP_RATELIMIT_VARIANT (default 1, the law
// before issue 29) away from the test's runs: other quotas, latencies, sizes and
// parallelism, each answer's latency spread by ±20% (the value given);
// CWPP_RATELIMIT_CASE="workers quota" runs those cases alone.
// CWPP_RATELIMIT_SCORE=1 (TestRateLimitScore) scores each variant on seeds
// 0-19 with and without latency jitter, and CWPP_RATELIMIT_SEARCH="family n"
// (TestRateLimitSearch) samples n laws of a family and prints those within
// its budget of throttled requests (CWPP_RATELIMIT_BUDGET=0.15 another).

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
	// Gap > 0: no cut within Gap seconds of the last one, as if the answers
	// then were to requests sent before it (a window counter's memory is a
	// second: a cut shows in its count only gradually).
	Gap float64
	// KeepMax > 0: cuts within KeepMax seconds of a cascade's first cut keep
	// its lastMax (the rate before the cascade): a window counter refuses for
	// up to a second after a burst, whatever the rate meanwhile, so the
	// rates cut through then say nothing of the share.
	KeepMax float64
	// KFix > 0 (Growth > 0): the cubic's recovery takes KFix seconds back to
	// lastMax whatever the cut's depth, and grows past it by Growth.
	KFix float64
	// FloorMin > 0: the floor (Gamma) holds only where the delivered rate is
	// at least FloorMin requests a second: below, a second holds too few
	// answers to measure a share.
	FloorMin float64
	// Rephase > 0: a cut also delays the next turn by up to Rephase of the
	// new interval, uniformly: runs paced in step with a window counter meet
	// it at the same point of every window, so the same run is refused again
	// and again.
	Rephase float64
	// ExpDelay, ExpDouble > 0 (Growth > 0): ExpDelay seconds past lastMax
	// with no cut, the rate doubles every ExpDouble seconds: runs that share
	// a quota are cut soon after they pass lastMax, a run whose peers
	// finished is not.
	ExpDelay, ExpDouble float64
	// Steady > 0 is another law: no cut that waits for a rate's answers,
	// but every answer moves the rate. An accepted one raises it by
	// (G0·rate + AI·ceiling)·dt, dt the time since the last answer (at most
	// a second); a throttled one lowers it by Delta·rate + D·ceiling. At a
	// saturated counter every run sees the same share f of its requests
	// refused, so the rates settle where G0·r + AI·C = f·r·(Delta·r + D·C):
	// the same r for every run (fair), and f grows with K only through AI.
	// Epoch keeps the limiter's rule: an answer to a request sent before the
	// last cut does not cut.
	Steady        bool
	G0, AI, Delta float64
	D             float64
	Epoch         bool
	// TQ > 0 (Steady): the growth is multiplied by 1 + (q/TQ)², q the
	// seconds since the last throttled answer: at a shared quota refusals
	// come every few seconds, a run whose peers finished sees none.
	TQ float64
	// Quiet, Double > 0: a run that has seen no refusal for Quiet times its
	// usual time between cuts (a moving mean, QuietW the weight of the
	// newest gap, at least QuietMin seconds) doubles its rate every Double
	// seconds: its peers have likely finished, and the growth by share
	// would take many seconds to bring a small share back to the ceiling.
	Quiet, Double, QuietW, QuietMin float64
	// GammaS moves a cut's depth with the run's share s of the ceiling
	// (with a floor, Gamma > 0): Gamma and Beta change by GammaS·s, Gamma
	// kept within [0.5, 0.97]. Positive, few runs, each a large share, cut
	// less (they lose most to deep cuts); negative, a run left with a small
	// share cuts less, so a larger one has to give way.
	GammaS float64
	// Spread > 0: once a run has been refused, each turn moves the next by
	// up to ±Spread of the spacing, at random (the mean rate unchanged): a
	// counter near its quota refuses the requests that come at the wrong
	// moment, and a stream paced like clockwork never does, so the run with
	// the most requests keeps them and the other is cut and cut again.
	Spread float64
	// StartBeta > 0 is the Beta of the cuts within StartFor seconds of the
	// run's first answer: refusals then mean other runs started with it,
	// and each cut of 0.7 costs every run a refused request.
	StartBeta, StartFor float64
	// CutCeiling > 0: once a run has been refused, its rate stays under
	// CutCeiling of the ceiling (for CutHold seconds after each cut, or for
	// good with CutHold 0): a run paced at the quota itself renews its own
	// slots of a window counter and is never refused, so a sparser run is
	// refused instead; a run a little under it leaves room that the other
	// grows into, and then both are cut. A lone run is never refused and
	// keeps the whole ceiling.
	CutCeiling, CutHold float64
	// Target > 0: the growth after a cut is multiplied by
	// min(max((Target/f)^Kappa, 1), GainMax), f the run's refused share of
	// its answers (a moving mean, TargetW the weight of the newest): a
	// second loop that holds each run's refusals near Target whatever K,
	// and regrows a run whose peers finished as its refusals fade.
	Target, TargetW, Kappa, GainMax float64
	// QuietBelow > 0: the quiet rule (Quiet) applies only to a run whose
	// rate at the last cut was under QuietBelow of the ceiling.
	QuietBelow float64
	// ShareW > 0: the growth's share is a moving mean of the shares at the
	// cuts (ShareW the weight of the newest; it starts at 1), not the last
	// cut's: a run squeezed for a few seconds regrows at the pace of the
	// share it held, while runs that have shared a quota long keep theirs.
	ShareW float64
	// ShareStart is where ShareW's mean starts (0: 1, the ceiling's share).
	ShareStart float64
	// ShareDelivered: ShareW's samples are the delivered rate's share at each
	// cut (what the cloud accepted from the run in the last second), the
	// first one taken whole, not the rate cut from.
	ShareDelivered bool
	// Replay > 0: once refused, a run sends, where it can, a second (plus
	// ReplayLag ms) after one of its accepted requests, within ±Replay of
	// the spacing of its turn: a sliding window frees that request's slot
	// then, so the run takes back its own slots, and a cut run does not
	// leave them to a growing peer and find the window full.
	Replay, ReplayLag float64
	// PastMax, PastDouble > 0: once the rate has grown to (1+PastMax) times
	// the rate of the last cut with no refusal since, it doubles every
	// PastDouble seconds: runs that share a quota are refused soon after
	// they pass the rate they were cut at, a run whose peers finished is not.
	PastMax, PastDouble float64
	// DepthQ > 0 (with ShareW): a cut's depth (1 − Beta and 1 − Gamma) is
	// multiplied by (0.5/m)^DepthQ, m the moving mean of the shares at the
	// cuts: each cut of one of K runs then takes about the same share of the
	// quota from the sum whatever K, so the cuts a second, and the
	// throttling, no longer grow with K.
	DepthQ float64
	// Revert > 0: a cut's depth is multiplied by x^Revert, x the rate at
	// the cut over the run's long mean share (a moving mean of the rates at
	// the cuts, RevertW the weight of the newest, from the first cut's
	// rate after it): a run below its usual share cuts less, one above it
	// more, so runs stay near the shares the first cuts gave them instead
	// of drifting apart until one is squeezed.
	Revert, RevertW float64
	// ShareMin > 0: the growth's share is at least ShareMin: a run
	// squeezed below it regrows as fast as a run holding ShareMin, a pull
	// back toward equal shares that growth by the share alone lacks (it
	// scales the growth and the cuts alike, so shares drift at random).
	ShareMin float64
	// OracleK: the growth's share is 1/K, K the runs active now, which no
	// run can know (the simulation tells it): fair additive growth whose
	// sum is the same whatever K, and a survivor regrowing at once by the
	// whole ceiling. A bound on what any estimate of K could reach.
	OracleK bool
	// OracleMax: with OracleK, K is the most runs active so far: fair
	// growth, but a survivor keeps regrowing by its share.
	OracleMax bool
	// OracleAlone: the growth's share is 1 while the run is the only one
	// active (a survivor told at once), its own otherwise.
	OracleAlone bool
	// OracleJump: with OracleAlone, the rate goes straight to the ceiling.
	OracleJump bool
	// ProbeRevert (with PastMax): the doubling is a probe for a share freed
	// by peers that finished: a refusal while it runs cuts from the rate
	// the doubling started at, not from the doubled one, so a probe that
	// finds no room costs one cut, not the four back down from the ceiling.
	ProbeRevert bool
	// Jump (with Quiet): once quiet, the rate goes straight to the ceiling,
	// a probe for a share freed by peers that finished; a refusal while it
	// lasts takes the rate back to JumpBeta of the rate before it (one cut,
	// not the climb down from the ceiling), and the next probe waits
	// JumpBackoff times as long, until a cut of the run's own.
	Jump bool
	// PastQuiet: PastMax's doubling starts only once the quiet rule's time
	// (Quiet, QuietMin, QuietW, without its own doubling) has passed too.
	PastQuiet bool
	// QuietShare (with Quiet): once quiet, the run grows on from where it
	// is as if it held the whole ceiling (share 1), not its mean share: a
	// survivor regrows as a run alone does, a run wrongly quiet overshoots
	// by what a lone run's growth adds before its next refusal.
	QuietShare bool
	// QuietShareT: QuietShare's growth runs from the cut, not from the
	// moment the run turned quiet (a step up, then a lone run's pace).
	QuietShareT bool
	// QuietS: the quiet time is QuietMin over the mean share, not
	// Quiet times the usual gap: K runs' slack over the bound grows with K,
	// and so does a run's chance quiet.
	QuietS                bool
	JumpBeta, JumpBackoff float64
	// ShareLive > 0 (with ShareW): between cuts the mean share also moves
	// up toward the rate's share, ShareLive of the way a second: a run whose
	// peers finished regrows faster the more it has regrown, while runs
	// that share hold their rates, and so their means, near their shares.
	ShareLive float64
	// LiveAfter: ShareLive applies only once LiveAfter seconds have passed
	// since the last cut.
	LiveAfter float64
	// ShareLife: the growth's share is at least the run's share of the
	// ceiling over its life (its accepted answers over the time since its
	// first, from LifeAfter seconds on): a run squeezed for a few seconds
	// regrows at the pace of what it has held, and so does a survivor.
	ShareLife bool
	LifeAfter float64
	// RemainW > 0: the growth is multiplied by (R/Rref)^RemainW, clamped
	// to [1/RemainMax, RemainMax], R the run's requests not yet answered:
	// runs with more left grow faster, so that runs sharing a quota end
	// together. Rref is the mean over the active runs (OracleRemain: what
	// no run can know) or RemainRef.
	RemainW, RemainMax, RemainRef float64
	OracleRemain                  bool
	// RecutT > 0: a cut within RecutT seconds of the last (times the
	// mean share's 0.5/m, with RecutS) keeps RecutKeep of the rate and of
	// the delivered rate, not Beta and Gamma: on a counter of the last
	// second the sparser run is refused more often per request than a
	// denser one, and each refusal cutting it again squeezes it.
	RecutT, RecutKeep float64
	RecutS            bool
}

// before is the limiter's law until issue 29's fourth stop (2332890): the
// AWS cubic scaled to the rate cut from, back to it in 4.2 s, then a linear
// probe of 3% of the ceiling a second.
var before = sweepVariant{Name: "before: cubic scaled to lastMax, probe", Beta: 0.7, Growth: 0.004, Probe: 0.03}

// limiterLaw is the limiter's own (TestSweepLawIsTheLimiters holds them equal).
var limiterLaw = sweepVariant{Name: "the limiter: floor, start, growth by mean share", Beta: Beta, Gamma: DeliveredShare,
	A: Linear, PA: LinearPower, C: Cubic, P: 1, DeliveredN: deliveredAnswers, Rephase: Rephase,
	StartBeta: StartBeta, StartFor: StartFor.Seconds(), ShareW: ShareWeight}

// sixthStop is the limiter's law until issue 29's seventh stop: growth by
// the share at the last cut, 0.7 at every cut.
var sixthStop = sweepVariant{Name: "the limiter until the seventh stop", Beta: 0.7, Gamma: 0.78,
	A: 0.014, PA: 1.25, C: 0.0046, P: 1, DeliveredN: 10, Rephase: 0.5}

func sweepVariants() []sweepVariant {
	return []sweepVariant{
		limiterLaw,
		before,
		// the best of the frontier at ≤ 10% throttled found on 2026-12-02
		{Name: "AIMD floor 0.85, A 0.003, C 0.004, P 1", Beta: 0.7, Gamma: 0.85, A: 0.003, C: 0.004, P: 1, PA: 1},
		{Name: "AIMD floor 0.80, A 0.005, C 0.004, P 1", Beta: 0.7, Gamma: 0.8, A: 0.005, C: 0.004, P: 1, PA: 1},
		// walls near 1.2x, throttling over 10% at K = 5
		{Name: "AIMD floor 0.85, A 0.01, C 0.01, P 1", Beta: 0.7, Gamma: 0.85, A: 0.01, C: 0.01, P: 1, PA: 1},
		{Name: "fast concave 0.5 s, hold 1 s, 0.9 delivered", Beta: 0.7, Gamma: 0.85, FastConcave: true, FK: 0.5, FH: 1, Theta: 0.9, A: 0.01, C: 0.03, P: 1, PA: 1},
		// growth counted in requests, not seconds: a run left low regrows slowly (1.35x to 2.4x)
		{Name: "per request, floor 0.85, A 0.004, C 2e-6", Beta: 0.7, Gamma: 0.85, PerRequest: true, RA: 0.004, RC: 2e-6},
		// Tried on the law before and slower on the grid: the cut jittered
		// (runs started together cut in lockstep), RFC 9438's fast
		// convergence, and a recovery of at least 30 requests (fewer refusals
		// at 1 request a second, slow everywhere else).
		withName(before, "before, cut jittered ±10%", func(v *sweepVariant) { v.Jitter = 0.1 }),
		withName(before, "before, fast convergence", func(v *sweepVariant) { v.FastConv = 0.7 }),
		withName(before, "before, recovery at least 30 requests", func(v *sweepVariant) { v.KReq = 30 }),
		// The best of about 500 more laws (random search over Beta, CutS,
		// Gamma, A, C, P, PA, then the round numbers near the best; the
		// evening of 2026-12-02): on 100 fresh seeds with 10 in flight, 3.6%
		// of shared runs past 1.2x (the law before: 15.8%), worst cell's mean
		// 1.18x (1.25x), throttled ≤ 9.8%; but it fails far more reads where a
		// run's share is near 1 request a second (quota 5/s, 5 runs: 239
		// against 50 in 300 simulations each), see TestRateLimitRobust.
		{Name: "floor, growth by share", Beta: 0.7, Gamma: 0.85, A: 0.02, C: 0.002, P: 0.5, PA: 2},
		// Its floor measured over the last answers: fewer failed reads at
		// small shares (239 to 86 with 10).
		{Name: "floor over 20 answers, growth by share", Beta: 0.7, Gamma: 0.85, A: 0.02, C: 0.002, P: 0.5, PA: 2, DeliveredN: 20},
		{Name: "floor over 10 answers, growth by share", Beta: 0.7, Gamma: 0.85, A: 0.02, C: 0.002, P: 0.5, PA: 2, DeliveredN: 10},
		// 2026-12-03. Rephasing at a cut halves the failed reads at small
		// shares (5 runs at 5/s: 86 to 27), and latency jitter, which the
		// grid lacked, shows the law before at its worst (runs past 1.2x on
		// fresh seeds: 16% to 22% with ±10%): the limiter's law is the best
		// of 300 laws of this family scored on seeds 0-19 with and without
		// jitter (TestRateLimitSearch floor).
		{Name: "floor over 10 answers, growth by share, rephased", Beta: 0.7, Gamma: 0.85, A: 0.02, C: 0.002, P: 0.5, PA: 2, DeliveredN: 10, Rephase: 0.5},
		// Not better, with the law before or within 10% throttled: no cut
		// within Gap of the last; lastMax kept through a cascade (KeepMax);
		// cuts deepened with share and a fixed recovery time (CutS, KFix);
		// exponential growth past lastMax (Tau, ExpDelay); no floor at small
		// rates (FloorMin).
		withName(before, "before, no cut within 0.5 s", func(v *sweepVariant) { v.Gap = 0.5 }),
		withName(before, "before, lastMax kept 1 s", func(v *sweepVariant) { v.KeepMax = 1 }),
		{Name: "cut by share 0.4, back in 6 s", Beta: 1, CutS: 0.4, Growth: 0.004, KFix: 6, Probe: 0.06},
		withName(before, "before, doubling 1 s past lastMax", func(v *sweepVariant) { v.ExpDelay, v.ExpDouble = 1, 0.5 }),
		// Another family: every answer moves the rate (Steady). The best of
		// 250: fewer runs past 1.2x than the limiter (3% to 7%, seeds 0-19,
		// with and without jitter), but 11% of requests throttled at K = 5.
		{Name: "steady: every answer moves the rate", Steady: true, G0: 0.021, AI: 0.0055, Delta: 0.21, TQ: 2.6},
		// 2026-12-03, later. Most runs past 1.2x end alone: a counter near its
		// quota refuses the sparser run's requests (a stream paced at the
		// ceiling meets a token bucket just as a token is there, and
		// reclaims a sliding window's slots a second after it took them), so
		// one run is squeezed to 1-3/s while another holds 15, and after the
		// other finishes it takes 8-11 s to regrow by its share. Doubling the
		// rate once a run has seen no refusal for 1.5x its usual time between
		// cuts ends those tails, but the doubling also fires while 5 runs
		// share, and at K = 5 each costs refusals: the best of 320 laws of
		// that family (CWPP_RATELIMIT_SEARCH="quiet 320",
		// CWPP_RATELIMIT_BUDGET=0.2) trade walls for throttling and no law
		// is within 1.2x everywhere at 10%; from 11% reads start to fail.
		withName(sixthStop, "the limiter, doubling when quiet", func(v *sweepVariant) {
			v.Quiet, v.QuietMin, v.Double, v.QuietW = 1.5, 2, 1, 0.3
		}),
		{Name: "quiet family, best at 11% throttled", Beta: 0.68, Gamma: 0.85, A: 0.018, PA: 1, C: 0.0013, P: 0.25, DeliveredN: 10, Rephase: 0.5,
			Quiet: 2.2, QuietMin: 2, Double: 2.2, QuietW: 0.2},
		{Name: "quiet family, best at 12% throttled", Beta: 0.72, Gamma: 0.88, A: 0.013, PA: 1.25, C: 0.0021, DeliveredN: 10, Rephase: 0.5,
			Quiet: 2.3, QuietMin: 3, Double: 1.9, QuietW: 0.2},
		{Name: "quiet family, best at 13% throttled", Beta: 0.67, Gamma: 0.84, A: 0.003, PA: 1.75, C: 0.0042, DeliveredN: 10, Rephase: 0.5,
			Quiet: 2.1, QuietMin: 2, Double: 2.5, QuietW: 0.2},
		{Name: "quiet family, best at 15% throttled", Beta: 0.73, Gamma: 0.84, A: 0.019, C: 0.0044, P: 0.5, DeliveredN: 10, Rephase: 0.5,
			Quiet: 1.3, QuietMin: 2, Double: 1.4, QuietW: 0.5},
		// Not better within 10%, with the limiter's law: each turn moved at
		// random by up to ±20% of the spacing (Spread; it ends the token
		// bucket's starvation, 1.37x to 1.00x on its worst seed, but a
		// sliding window refuses the requests it bunches: 6.1% to 10.7% of
		// runs past 1.2x); cuts shallower for small shares or for large ones
		// (GammaS 0.2 to 0.35, or -0.15 to -0.45); halving through the first second's
		// refusals (StartBeta: 0.5% fewer throttled, 8.3% past 1.2x).
		withName(sixthStop, "the limiter, turns spread ±20%", func(v *sweepVariant) { v.Spread = 0.2 }),
		withName(sixthStop, "the limiter, shallower cuts for small shares", func(v *sweepVariant) {
			v.Gamma, v.GammaS, v.Beta = 0.95, -0.3, 0.87
		}),
		withName(sixthStop, "the limiter, halving in the first second", func(v *sweepVariant) { v.StartBeta, v.StartFor = 0.5, 1 }),
		// Growth less tied to the share (the same as the limiter's at K = 3):
		// fairer, and a squeezed run regrows sooner, but 10-11% throttled
		// (on 100 fresh seeds, 4.5-5.7% of runs past 1.2x).
		withName(sixthStop, "the limiter, growth by √share", func(v *sweepVariant) { v.A, v.PA, v.C, v.P = 0.00614, 0.5, 0.00266, 0.5 }),
		withName(sixthStop, "the limiter, growth the same for every share", func(v *sweepVariant) { v.A, v.PA, v.C, v.P = 0.00355, 0, 0.00153, 0 }),
		// 2026-12-03, third stop. A run held under 90% of the ceiling once
		// refused (CutCeiling; 0.85-0.95, held 3 s, 6 s or for good): 5.4% to
		// 6.4% of runs past 1.2x against 6.1%, no better. The run that holds a
		// counter at the ceiling is the one never refused, so it never learns
		// of the cap; the cap only slows the squeezed run.
		withName(sixthStop, "the limiter, under 90% of the ceiling once refused", func(v *sweepVariant) { v.CutCeiling = 0.9 }),
		// 2026-12-03, fifth stop. Growth scaled by a second loop that holds
		// each run's refused share near a target (Target 0.03-0.05, Kappa 1-2,
		// GainMax 4-8): no better (worst seed 1.28x-1.40x, against 1.29x-1.37x
		// for the limiter, jitter 0 and ±10%), and over 10% throttled at
		// Kappa 2. A refused share is measured over tens of answers, so it
		// fades as slowly as the quiet rule's gap, and fires as often by chance.
		withName(sixthStop, "the limiter, growth held at 5% refused", func(v *sweepVariant) {
			v.Target, v.TargetW, v.Kappa, v.GainMax = 0.05, 0.05, 1, 4
		}),
		// 2026-12-03, sixth stop. At this grid's 30 ms every refusal is to a
		// request sent after the last cut, so each one cuts: the throttled
		// share is the cuts, and at K = 5 (about 1.5 cuts a second, each
		// keeping 78% of a run's 4/s) it is the growth they balance that
		// fills the 10%. Scored on seeds 0-19 with and without jitter
		// (TestRateLimitScore), against the limiter's 6.1% of runs past
		// 1.2x, worst 1.37x, 9.6% throttled:
		//   - the growth's share a moving mean of the shares at the cuts
		//     (ShareW 0.2): a run squeezed for a few seconds regrows at the
		//     pace of the share it held, so token buckets and fixed windows
		//     no longer leave one run at 1-3/s; 3.8% past 1.2x, worst 1.25x,
		//     but 10.5% throttled (10.2% with the growth 0.8x, then 5.7%
		//     past); the nearest to the aim so far, and still short.
		//     Its samples the delivered share at each cut, the first taken
		//     whole (ShareDelivered; weights 0.2-0.3, growth 1-1.2x): within
		//     10% throttled, but 5.1-7.9% past, worst 1.29x-1.36x: the fast
		//     regrowth of the first cuts, from a mean that starts at 1, is
		//     what shortened the walls, and what K = 5 pays for;
		//   - the quiet rule only below a share (QuietBelow): under 0.15 of
		//     the ceiling 5.3% past and 10.6% throttled, under 0.3 2.5% past
		//     and 12.7% throttled (it fires at K = 5's shares too);
		//   - a run sending where it can a second after its own accepted
		//     requests, to take back its slots of a sliding window (Replay):
		//     a run that shared first then holds them against a later one,
		//     which is left at 1-3/s; 10.8% past, worst 1.48x.
		//   A short CWPP_RATELIMIT_SEARCH="share" printed 18 laws within
		//   10%, none better, and "sharew" (the limiter with the mean share:
		//   growth 0.7-1.2x, the mean's start and weight, the first cuts'
		//   depth) 166, none within 1.2x: its best on seeds 0-19 ended at worst
		//   1.25x-1.27x, and on 100 fresh seeds (TestRateLimitFresh, jitter
		//   0 and ±10%) 3.6-6.3% of runs past 1.2x, worst 1.29x-1.36x,
		//   against the limiter's 6.7-7.9% and 1.34x-1.39x, but 10.2-10.3%
		//   throttled but for one (9.7-10.0%, 5.8-6.3% past): the
		//   throttling the walls are bought with, not a better law.
		withName(sixthStop, "the limiter, growth by the mean share at cuts", func(v *sweepVariant) { v.ShareW = 0.2 }),
		withName(sixthStop, "the limiter, doubling when quiet below 0.3", func(v *sweepVariant) {
			v.Quiet, v.QuietMin, v.Double, v.QuietW, v.QuietBelow = 1.5, 2, 1, 0.3, 0.3
		}),
		withName(sixthStop, "the limiter, taking back its own slots", func(v *sweepVariant) { v.Replay, v.ReplayLag = 0.5, 3 }),
		// 2026-12-03, seventh stop, scored as above (TestRateLimitScore):
		//   - doubling once the rate has passed the last cut's by PastMax
		//     with no refusal (runs that share are refused soon after they
		//     pass it, a survivor is not): 0.1 and 1 s, 4.3% past 1.2x, worst
		//     1.26x, but 10.7% throttled; 0.3 and 0.7 s 4.0% at 11.3%. With
		//     the growth slowed to stay within 10% (a grid of 27: growth
		//     0.5-0.85x, PastMax 0.2-0.5, PastDouble 0.5-2 s) the best is
		//     8.6% past, worst 1.29x: the chance passes at K = 5 cost what
		//     the survivor gains, as the quiet rule's chance quiet did;
		//   - cuts deeper for small mean shares (DepthQ, with ShareW), so
		//     that a cut of one of K runs takes the same share of the sum
		//     whatever K: the throttling did not fall (10.3-10.8%, against
		//     10.5% with ShareW alone), and a search of 200 laws of that
		//     family with PastMax (CWPP_RATELIMIT_SEARCH="depth 200") printed
		//     21 within 10%, the best 8.1% past, worst 1.28x. Deeper cuts
		//     lower the throttling only slowly (Beta/Gamma 0.7/0.78 to
		//     0.4/0.5: 9.4% to 6.6%, the walls 1.29x to 1.56x): about 3 points
		//     are the first seconds' refusals, when every run starts at the
		//     ceiling, and a lone run may not start lower.
		withName(sixthStop, "the limiter, doubling once past the cut's rate", func(v *sweepVariant) { v.PastMax, v.PastDouble = 0.1, 1 }),
		withName(sixthStop, "the limiter, mean share, deeper cuts when small", func(v *sweepVariant) { v.ShareW, v.DepthQ = 0.2, 0.5 }),
		//   - a cut's depth moved by the rate at the cut over the run's long
		//     mean (Revert 0.5-2, weights 0.05-0.2, from the first cut after
		//     the start), to hold runs near the shares the first cuts gave
		//     them: worse everywhere (5.3-37% past 1.2x). The mean is of
		//     rates at cuts, which come at the top of each climb.
		//   - What the limiter now does: the cuts of the run's first second
		//     keep 30% (StartBeta; or 78% of the delivered rate, if more):
		//     refusals then mean other runs hold the quota, and K runs that
		//     start together reach their shares in one or two cuts instead of
		//     four or five, about half a point of throttling at K = 5 that
		//     pays for growth by the mean share (ShareW 0.2). A search of 300
		//     laws around it (CWPP_RATELIMIT_SEARCH="start 150", twice) found
		//     3.2-4.0% past at ≤ 9.9% throttled on seeds 0-19, but over 10% on
		//     100 fresh seeds; with the growth at 0.9x of the law before, the
		//     round law (variant 0) scores 4.7% past, worst 1.27x, worst
		//     cell's mean 1.176x, 9.5% throttled (the law before, variant 37:
		//     6.1%, 1.37x, 1.191x, 9.6%), and on 100 fresh seeds 4.6-5.3%
		//     past, worst 1.32x-1.33x, at most 9.7% throttled (6.7-7.9%,
		//     1.34x-1.39x, 9.7%).
		withName(sixthStop, "the limiter before, cuts deeper by the long mean", func(v *sweepVariant) {
			v.StartBeta, v.StartFor, v.ShareW, v.Revert, v.RevertW = 0.3, 1, 0.2, 1, 0.1
		}),
		sixthStop, // 37: the limiter's law until issue 29's seventh stop
		// 2026-12-04, eighth stop: where the walls past 1.2x come from,
		// measured with laws told what no run can know (the simulation's
		// count of runs started and not finished), each the limiter's
		// (variant 0) but for that:
		//   - told when it is alone, it grows by the whole ceiling's share
		//     (38), or goes straight to the ceiling (39): 1.2% and 0.0% of
		//     runs past 1.2x, worst 1.22x and 1.16x, at most 9.5% and 9.6%
		//     throttled (the limiter: 4.7%, 1.27x, 9.5%);
		//   - told K, the runs active now, it grows by 1/K (40: fair
		//     additive growth, a survivor told at once): 0.6% past, worst
		//     1.27x, 9.0%; told only the most runs active so far (41: fair
		//     growth, a survivor not told) 5.0% past, worst 1.31x, 8.8%.
		//   So fairness alone gains nothing; knowing at once that its peers
		//   have finished is all of it, and no law tried learns it without
		//   refusals: on a counter of the last second a probe for the freed
		//   share that finds none is a burst, refused for a second, to every
		//   run. Tried again that way, each not better:
		//   - the share that scales the growth at least 0.2-0.35 (ShareMin),
		//     a pull toward equal shares: 3.2-6.1% past, worst 1.27x-1.29x,
		//     9.4-10.2% throttled (42: 0.35, 3.5%, 1.27x, 10.2%);
		//   - the mean share also moving up toward the rate's share between
		//     cuts (ShareLive 0.1-0.8 a second, from 0-2 s after the cut),
		//     so a survivor regrows faster the more it has regrown: 4.0-5.6%
		//     past, worst 1.25x-1.28x, 9.7-10.4% (43); both ways 7.2-9.7%;
		//   - the doubling of the quiet rule or of PastMax as a probe that,
		//     refused, cuts from the rate it started at (ProbeRevert): 3.8-
		//     29% past against 0.6-5.0% without it, 9.5-13.3% throttled (44):
		//     the doubled requests fill a sliding window for a second, every
		//     run is refused, and the reverted cut leaves the prober below
		//     its share as well;
		//   - growth by the share to the power 1.5-2.5 (P, PA + 0.5-1.5),
		//     the same at a share of 0.2: 2.2-4.9% past, worst 1.27x-1.39x,
		//     9.8-11.7%; the same at 0.5, 3.3-10.8%, 1.30x-1.38x, 8.6-9.7%
		//     (at K = 5, 0.4x the growth throttles 8.6% against 9.5%: the
		//     cubic's time between cuts goes as the cube root of its
		//     constant, so the throttling hardly follows the growth);
		//   - PastMax's doubling only once the quiet rule's time has passed
		//     too (PastQuiet; 24 laws): 1.9-6.0% past, worst 1.25x-1.31x,
		//     10.6-13.3%.
		withName(limiterLaw, "the limiter, told when it is alone", func(v *sweepVariant) { v.OracleAlone = true }),
		withName(limiterLaw, "the limiter, at the ceiling when alone", func(v *sweepVariant) { v.OracleAlone, v.OracleJump = true, true }),
		withName(limiterLaw, "the limiter, growth by 1/K, K told", func(v *sweepVariant) { v.OracleK = true }),
		withName(limiterLaw, "the limiter, growth by 1/K, K the most so far", func(v *sweepVariant) { v.OracleK, v.OracleMax = true, true }),
		withName(limiterLaw, "the limiter, growth's share at least 0.35", func(v *sweepVariant) { v.ShareMin = 0.35 }),
		withName(limiterLaw, "the limiter, mean share rising between cuts", func(v *sweepVariant) { v.ShareLive, v.LiveAfter = 0.4, 1 }),
		withName(limiterLaw, "the limiter, doubling when quiet, reverted", func(v *sweepVariant) {
			v.Quiet, v.QuietMin, v.QuietW, v.Double, v.ProbeRevert = 1.5, 2, 0.3, 0.5, true
		}),
		//   - once quiet (1.5-3 times the usual gap between cuts, at least
		//     1.5-3 s), straight to the ceiling, as variant 39 does when told,
		//     and a refusal then back to the rate before (or 80% of it), the
		//     next probe waiting twice as long (Jump): 7.6-59% past, worst
		//     1.28x-1.65x, 10.9-17.1% throttled (45: 3, 3 s, back to the rate
		//     before). A probe that finds room in a sliding window takes it
		//     from the runs just cut, whose next requests are refused, and
		//     at K = 5 some run is quiet that long every few seconds.
		withName(limiterLaw, "the limiter, at the ceiling when quiet", func(v *sweepVariant) {
			v.Quiet, v.QuietMin, v.QuietW, v.Jump, v.JumpBeta, v.JumpBackoff = 3, 3, 0.3, true, 1, 2
		}),
		//   - once quiet for QuietMin over its mean share (QuietS: K runs'
		//     slack over the bound grows with K, and so does the quiet a run
		//     meets by chance), doubling every 0.5-1 s or growing on as a
		//     lone run would from the cut (QuietShareT): at 0.5/share and
		//     doubling every 0.5 s no run past 1.2x, worst 1.18x, but 19.5%
		//     throttled; at 0.75 growing as alone (46) 0.7%, 1.23x, 13.0%. A
		//     search of 300 laws of that family (CWPP_RATELIMIT_SEARCH=
		//     "quiets 150", twice; growth, cuts and the start's depth drawn
		//     too) printed 107 within 11%, the best 1.8% past at 10.9%, and
		//     within 10% 3.6% past, worst 1.27x (47), which on 100 fresh
		//     seeds throttles 10.1-10.5% with 3.6-4.4% past, worst 1.29x-1.40x.
		//     With the growth's share power drawn too (1-2.5, the growth as
		//     the limiter's at a share of 0.5 times 0.5-2: "quietsp 150",
		//     twice) 60 within 11%, the best 1.7% past at 11.0%, and within
		//     10% 5.4% past, worst 1.35x.
		withName(limiterLaw, "the limiter, as alone once quiet 0.75 s/share", func(v *sweepVariant) {
			v.Quiet, v.QuietS, v.QuietMin, v.QuietW, v.QuietShare, v.QuietShareT = 1, true, 0.75, 0.3, true, true
		}),
		withName(limiterLaw, "the limiter, quiet per share, best within 10%", func(v *sweepVariant) {
			v.Beta, v.Gamma, v.A, v.C, v.StartBeta = 0.53, 0.81, 0.01575, 0.005175, 0.35
			v.Quiet, v.QuietS, v.QuietMin, v.QuietW, v.Double = 1, true, 1.55, 0.3, 1.8
		}),
		// 2026-12-04, ninth stop. A wall past 1.2x seen whole (sliding
		// window, K = 2, seed 2: CWPP_RATELIMIT_TRACE="sliding-window 2 2
		// 2"): the two runs start in the same second and share the quota
		// about evenly for 11 s; then one is refused about once a second
		// while the other grows (in a sliding window the slots a cut run
		// frees go to the run that is growing), down to 4/s by 17 s; its
		// peer ends at 18 s, and it regrows from 4/s to the ceiling over
		// 6 s, ending at 1.27x. So the growth's share at least the run's
		// share over its life (what it has held, not what its last cuts
		// left it; 48): 4.9% past, worst 1.27x, 9.5% throttled (from 1 or
		// 3 s on: the same), no better; with 0.8x the growth, 6.9% past.
		// The squeeze costs the survivor a second or two; the regrowth
		// from even a fair share (6 s from 0.5 to 1 at a share of 0.5) is
		// what 1.2x has no room for. Rephase 0, 0.2 and 1 in place of 0.5:
		// 5.3%, 3.9% (worst 1.32x) and 5.0% past, at 10.0%, 9.9% and 9.8%.
		withName(limiterLaw, "the limiter, growth's share at least its life's", func(v *sweepVariant) { v.ShareLife = true }),
		// 2026-12-04, tenth stop. Runs that share a quota and end together
		// leave no survivor to regrow: growth multiplied by (R/Rref)^w,
		// R the run's requests not yet answered, so a run with more left
		// takes more of the quota. Told Rref, the mean over the runs active
		// (an oracle, 49: w 4, the factor within [1/8, 8]), 1.2% past 1.2x,
		// worst 1.26x, 10.1% throttled (w 1: 2.9%, 1.31x, 9.7%; w 2: 1.7%,
		// 1.29x, 10.0%), and every run past is on a sliding window at K = 2,
		// whose mean is still 1.158x: sharing it the runs are accepted 18 a
		// second of its 20, the cuts' sawtooth, and no growth or cut depth
		// tried fills it within 10% (cuts shallower for large shares,
		// GammaS 0.1-0.3: 5.3-9.3% past, 9.9-10.8%). With only its own R,
		// Rref a constant (50: 60; 100: 12.5% past), it is worse than the
		// limiter: a run's R falls as it ends, the survivor's with it.
		withName(limiterLaw, "the limiter, growth by the work left, told the others'", func(v *sweepVariant) {
			v.RemainW, v.RemainMax, v.OracleRemain = 4, 8, true
		}),
		withName(limiterLaw, "the limiter, growth by the work left over 60", func(v *sweepVariant) {
			v.RemainW, v.RemainMax, v.RemainRef = 1, 4, 60
		}),
		//   - a cut within 1-2 s of the last keeping 0.85-0.95 (RecutT,
		//     RecutKeep; the time also scaled by 0.5 over the mean share,
		//     RecutS), so that the sparser run, refused more often, is not
		//     squeezed: on the frontier again, 3.8% past at 10.2% throttled
		//     (51: 1 s, 0.9), 1.8% at 11.6% (2 s, 0.9, scaled), 5.3% at
		//     10.1% (2 s, 0.85), 7.6% at 9.9% (1 s, 0.9, growth 0.85x).
		withName(limiterLaw, "the limiter, a cut soon after a cut keeps 0.9", func(v *sweepVariant) {
			v.RecutT, v.RecutKeep = 1, 0.9
		}),
	}
}

// sixthStopGrowing is the law before the seventh stop, unnamed, its growth
// multiplied by g: the families searched from it.
func sixthStopGrowing(g float64) sweepVariant {
	v := sixthStop
	v.Name = ""
	v.A, v.C = v.A*g, v.C*g
	return v
}

// withName is v renamed and changed.
func withName(v sweepVariant, name string, change func(*sweepVariant)) sweepVariant {
	v.Name = name
	change(&v)
	return v
}

// sweepLimiter is a Limiter whose recovery is a sweepVariant's: it keeps
// the Limiter's pacing (take) and state, and replaces Observe. It is not
// safe for concurrent use (the simulation is not concurrent).
type sweepLimiter struct {
	*Limiter
	v                sweepVariant
	lastMax          float64 // the rate the last cut was made at
	cutTo, target, k float64
	growth           float64   // the cubic's, after a cut
	sinceCut         int       // answers accepted since the last cut
	cascade          time.Time // the first cut of the last cascade (KeepMax)
	lastAnswer       time.Time // the last accepted answer (Steady)
	rng              *rand.Rand
	gap              float64     // the moving mean of the seconds between cuts (Quiet)
	refused          float64     // the moving mean of refused answers (Target)
	share            float64     // the moving mean of the shares at the cuts (ShareW)
	sentOK           []time.Time // when the accepted requests of the last 2 s were sent (Replay)
	crossed          time.Time   // when the rate passed (1+PastMax)·lastMax since the last cut
	revert           float64     // the long mean of the rates at the cuts (Revert)
	oracleK          int         // the most runs active so far (OracleMax)
	jumpFrom         float64     // the rate before a Jump's probe, while it lasts
	jumpWait         float64     // the factor on the quiet time before the next probe (Jump)
}

func (v sweepVariant) limiter(name string, rps float64, clock Clock) limiter {
	l := &sweepLimiter{Limiter: New(name, rps, clock), v: v, rng: simRand(name, clock.Now())}
	l.lastMax = l.ceiling
	l.share = 1
	if v.ShareStart > 0 {
		l.share = v.ShareStart
	}
	return l
}

func (l *sweepLimiter) take(now time.Time) (Permit, time.Duration) {
	if l.v.Replay > 0 && l.cuts > 0 {
		return l.replayTake(now)
	}
	p, wait := l.Limiter.take(now)
	if wait == 0 && l.v.Spread > 0 && l.cuts > 0 {
		l.last = l.last.Add(time.Duration(l.v.Spread * (2*l.rng.Float64() - 1) * float64(time.Second) / l.rate))
	}
	return p, wait
}

func (l *sweepLimiter) replayTake(now time.Time) (Permit, time.Duration) {
	interval := time.Duration(float64(time.Second) / l.rate)
	next := l.last.Add(interval)
	w := time.Duration(l.v.Replay * float64(interval))
	target, best := next, time.Duration(math.MaxInt64)
	lag := time.Second + time.Duration(l.v.ReplayLag*float64(time.Millisecond))
	for _, t := range l.sentOK {
		c := t.Add(lag)
		d := c.Sub(next)
		if d < 0 {
			d = -d
		}
		if d <= w && d < best && c.After(l.last) {
			target, best = c, d
		}
	}
	return l.grant(now, target, interval)
}

func (l *sweepLimiter) Observe(_ context.Context, p Permit, throttled bool) {
	now := l.clock.Now()
	if l.v.Replay > 0 && !throttled {
		i := 0
		for i < len(l.sentOK) && now.Sub(l.sentOK[i]) > 2*time.Second {
			i++
		}
		l.sentOK = append(l.sentOK[i:], p.sent)
	}
	l.forget(now, l.v.DeliveredN) // the limiter's record of accepted answers
	delivered := l.delivered(now)
	if l.first.IsZero() {
		l.first = now // the Limiter's own record, which its Observe would keep
	}
	if l.v.Target > 0 {
		x := 0.0
		if throttled {
			x = 1
		}
		l.refused += l.v.TargetW * (x - l.refused)
	}
	if l.v.Steady {
		l.steady(now, p, throttled)
		return
	}
	if throttled {
		if p.cuts != l.cuts || (l.v.Gap > 0 && l.cuts > 0 && now.Sub(l.lastCut).Seconds() < l.v.Gap) {
			return
		}
		if l.v.Jump && l.jumpFrom > 0 {
			l.cuts++
			l.lastCut = now
			l.rate = max(l.jumpFrom*l.v.JumpBeta, MinRate)
			l.cutTo, l.jumpFrom = l.rate, 0
			l.jumpWait = max(l.jumpWait, 1) * l.v.JumpBackoff
			l.rephase()
			return
		}
		l.jumpWait = 1
		if l.v.Quiet > 0 && l.cuts > 0 {
			g := now.Sub(l.lastCut).Seconds()
			if l.gap == 0 {
				l.gap = g
			} else {
				l.gap += l.v.QuietW * (g - l.gap)
			}
		}
		if l.v.ProbeRevert && !l.crossed.IsZero() {
			l.rate = min(l.rate, (1+l.v.PastMax)*l.lastMax)
		}
		if q, ok := l.quiet(); ok && l.v.ProbeRevert && now.Sub(l.lastCut).Seconds() > q {
			l.rate = min(l.rate, l.probe(l.cutTo, q)) // where the doubling started
		}
		previousMax, previousCut := l.lastMax, l.lastCut
		if l.v.KeepMax > 0 && l.cuts > 0 && now.Sub(l.cascade).Seconds() < l.v.KeepMax {
			l.lastCut = now
		} else {
			l.lastMax, l.lastCut, l.cascade = l.rate, now, now
		}
		l.cuts++
		sample := l.rate / l.ceiling
		if l.v.ShareDelivered {
			if sample = min(delivered/l.ceiling, 1); l.cuts == 1 {
				l.share = sample
			}
		}
		l.share += l.v.ShareW * (sample - l.share)
		beta := l.v.Beta
		beta -= l.v.CutS * l.rate / l.ceiling
		if l.v.StartBeta > 0 && now.Sub(l.first).Seconds() < l.v.StartFor {
			beta = l.v.StartBeta
		}
		if l.v.Deep > 0 && l.sinceCut == 0 && l.cuts > 1 {
			beta = l.v.Deep
		}
		if l.v.Jitter > 0 {
			beta *= 1 + l.v.Jitter*(2*l.rng.Float64()-1)
		}
		gamma := 0.0 // no floor
		if l.v.Gamma > 0 {
			gamma = min(max(l.v.Gamma+l.v.GammaS*l.rate/l.ceiling, 0.5), 0.97)
			beta = min(beta+l.v.GammaS*l.rate/l.ceiling, gamma)
		}
		if l.v.DepthQ > 0 {
			f := math.Pow(0.5/l.share, l.v.DepthQ)
			beta, gamma = max(1-(1-beta)*f, 0.3), max(1-(1-gamma)*f, 0.35)
		}
		if l.v.Revert > 0 && l.revert == 0 && now.Sub(l.first).Seconds() >= max(l.v.StartFor, 1) {
			l.revert = l.rate // the first cut after the start's
		}
		if l.v.Revert > 0 && l.revert > 0 {
			f := math.Pow(l.rate/l.revert, l.v.Revert)
			beta, gamma = min(max(1-(1-beta)*f, 0.3), 0.97), min(max(1-(1-gamma)*f, 0.35), 0.97)
			l.revert += l.v.RevertW * (l.rate - l.revert)
		}
		if t := l.v.RecutT; t > 0 && l.cuts > 1 && now.Sub(l.first).Seconds() >= l.v.StartFor {
			if l.v.RecutS {
				t *= 0.5 / l.share
			}
			if now.Sub(previousCut).Seconds() < t {
				beta, gamma = max(beta, l.v.RecutKeep), max(gamma, l.v.RecutKeep)
			}
		}
		floor := gamma * delivered
		if delivered < l.v.FloorMin {
			floor = 0
		}
		l.cutTo = min(max(l.rate*beta, floor, MinRate), l.lastMax)
		if l.v.FastConv > 0 && l.rate < previousMax {
			l.lastMax = max(l.cutTo, l.rate*(1+l.v.FastConv)/2)
		}
		l.target = max(l.cutTo, min(l.lastMax, l.v.Theta*delivered))
		l.k = 0
		if l.v.Growth > 0 {
			l.k = math.Cbrt((l.lastMax - l.cutTo) / (l.v.Growth * l.lastMax))
			l.growth = l.v.Growth
			if l.v.KFix > 0 {
				l.k = l.v.KFix
			}
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
		l.crossed = time.Time{}
		l.rephase()
		return
	}
	if l.v.ShareLive > 0 && l.cuts > 0 && !l.lastAnswer.IsZero() && now.Sub(l.lastCut).Seconds() >= l.v.LiveAfter {
		dt := now.Sub(l.lastAnswer).Seconds()
		l.share += min(l.v.ShareLive*dt, 1) * max(l.rate/l.ceiling-l.share, 0)
	}
	l.lastAnswer = now
	l.accepted = append(l.accepted, now)
	l.sinceCut++
	l.answers++ // the Limiter's own count, which its Observe would keep (ShareLife)
	ceiling := l.ceiling
	if l.v.CutCeiling > 0 && l.cuts > 0 && (l.v.CutHold == 0 || now.Sub(l.lastCut).Seconds() < l.v.CutHold) {
		ceiling *= l.v.CutCeiling
	}
	if q, ok := l.quiet(); ok && l.v.Jump && l.jumpFrom == 0 && now.Sub(l.lastCut).Seconds() > q*max(l.jumpWait, 1) && l.rate < ceiling {
		l.jumpFrom, l.rate = l.rate, ceiling
	}
	if l.rate < ceiling {
		l.rate = max(l.rate, min(l.after(now.Sub(l.lastCut).Seconds()), ceiling))
	} else {
		l.rate = ceiling
	}
	if l.v.PastDouble > 0 && l.cuts > 0 && l.crossed.IsZero() && l.rate >= (1+l.v.PastMax)*l.lastMax && l.pastQuiet(now) {
		l.crossed = now
	}
}

func (l *sweepLimiter) steady(now time.Time, p Permit, throttled bool) {
	if throttled {
		if l.v.Epoch && p.cuts != l.cuts {
			return
		}
		l.cuts++
		l.lastCut = now
		l.rate = max(l.rate-l.v.Delta*l.rate-l.v.D*l.ceiling, MinRate)
		l.rephase()
		return
	}
	dt := 0.0
	if !l.lastAnswer.IsZero() {
		dt = min(now.Sub(l.lastAnswer).Seconds(), 1)
	}
	l.lastAnswer = now
	boost := 1.0
	if l.v.TQ > 0 && !l.lastCut.IsZero() {
		q := now.Sub(l.lastCut).Seconds() / l.v.TQ
		boost += q * q
	}
	l.rate = min(l.rate+(l.v.G0*l.rate+l.v.AI*l.ceiling)*dt*boost, l.ceiling)
}

func (l *sweepLimiter) after(t float64) float64 {
	v := l.v
	if v.OracleAlone && v.OracleJump && l.sim().active() == 1 {
		return l.ceiling
	}
	probe := l.probe
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
		if v.KFix > 0 && d < 0 {
			x := -d / l.k
			r = l.lastMax - (l.lastMax-l.cutTo)*x*x*x
		}
		if d > 0 {
			r = max(r, l.lastMax+v.Probe*l.ceiling*d)
			if v.Tau > 0 {
				r = max(r, l.lastMax*math.Exp(d/v.Tau))
			}
			if v.ExpDouble > 0 && d > v.ExpDelay {
				r = max(r, l.lastMax*math.Exp2((d-v.ExpDelay)/v.ExpDouble))
			}
		}
		return r
	}
	r := probe(l.cutTo, t)
	if v.PastDouble > 0 && !l.crossed.IsZero() {
		r = max(r, (1+v.PastMax)*l.lastMax*math.Exp2(l.clock.Now().Sub(l.crossed).Seconds()/v.PastDouble))
	}
	if q, ok := l.quiet(); ok && t > q && v.QuietShare {
		u := t - q
		if v.QuietShareT {
			u = t // the cubic since the cut, at the whole ceiling's share: a step up
		}
		return max(r, probe(l.cutTo, q)+l.gain()*l.ceiling*(v.A*u+v.C*u*u*u))
	}
	if q, ok := l.quiet(); ok && t > q && !v.Jump && !v.PastQuiet {
		r = max(r, probe(l.cutTo, q)*math.Exp2((t-q)/v.Double))
	}
	return r
}

// rephase delays the next turn after a cut by up to Rephase of the new
// spacing, at random, as the limiter does.
func (l *sweepLimiter) rephase() {
	if l.v.Rephase > 0 {
		l.delayNext(l.v.Rephase * l.rng.Float64())
	}
}

// probe is the growth of the AIMD recoveries: from, plus u seconds of growth
// scaled to the run's share (the last cut's, the mean at cuts, or what an
// oracle tells).
func (l *sweepLimiter) probe(from, u float64) float64 {
	v := l.v
	s := l.lastMax / l.ceiling
	if v.ShareW > 0 {
		s = l.share
	}
	s = max(s, v.ShareMin)
	if v.ShareLife {
		if age := l.clock.Now().Sub(l.first).Seconds(); age > max(v.LifeAfter, 1) {
			s = max(s, min(float64(l.answers)/age/l.ceiling, 1))
		}
	}
	if v.OracleAlone && l.sim().active() == 1 {
		s = 1
	}
	if v.OracleK {
		k := l.sim().active()
		l.oracleK = max(l.oracleK, k)
		if v.OracleMax {
			k = l.oracleK
		}
		s = 1 / float64(max(k, 1))
	}
	return from + l.gain()*l.ceiling*(math.Pow(s, v.PA)*v.A*u+math.Pow(s, v.P)*v.C*u*u*u)
}

// sim is the simulation's clock, which also tells the oracles what no run
// can know.
func (l *sweepLimiter) sim() *simClock { return l.clock.(*simClock) }

// gain is Target's and RemainW's factor on the growth (1 without them).
func (l *sweepLimiter) gain() float64 {
	g := 1.0
	v := l.v
	if v.Target > 0 {
		g = min(max(math.Pow(v.Target/max(l.refused, 1e-9), v.Kappa), 1), v.GainMax)
	}
	if v.RemainW > 0 {
		left := l.sim().left
		r, ok := left[l.name] // its own, which a run knows
		ref := v.RemainRef
		if v.OracleRemain && ok {
			sum := 0
			for _, n := range left {
				sum += n
			}
			ref = float64(sum) / float64(len(left))
		}
		if ok && ref > 0 {
			g *= min(max(math.Pow(float64(r)/ref, v.RemainW), 1/v.RemainMax), v.RemainMax)
		}
	}
	return g
}

// pastQuiet is PastQuiet's condition: the quiet rule's time (it needs
// Quiet) has passed since the last cut; always true without PastQuiet.
func (l *sweepLimiter) pastQuiet(now time.Time) bool {
	if !l.v.PastQuiet {
		return true
	}
	q, ok := l.quiet()
	return ok && now.Sub(l.lastCut).Seconds() > q
}

// quiet says when, after the last cut, the quiet rule starts doubling, if
// it applies.
func (l *sweepLimiter) quiet() (float64, bool) {
	v := l.v
	if v.Quiet > 0 && l.cuts > 1 && (v.QuietBelow == 0 || l.lastMax < v.QuietBelow*l.ceiling) {
		if v.QuietS {
			return v.QuietMin / l.share, true
		}
		return max(v.Quiet*l.gap, v.QuietMin), true
	}
	return 0, false
}

// simCountEveryThrottle is CWPP_RATELIMIT_COUNT_EVERY_THROTTLE=1: the
// retries as they were before (simConfig.countEveryThrottle).
func simCountEveryThrottle() bool {
	return os.Getenv("CWPP_RATELIMIT_COUNT_EVERY_THROTTLE") == "1"
}

// sweepRuns reads CWPP_RATELIMIT_SWEEP.
func sweepRuns() (workers, requests int, quotaPerSecond float64, latency time.Duration) {
	workers, requests, quotaPerSecond, ms := 10, 200, 20.0, 30.0
	if s := os.Getenv("CWPP_RATELIMIT_SWEEP"); s != "1" {
		_, _ = fmt.Sscanf(s, "%d %d %g %g", &workers, &requests, &quotaPerSecond, &ms)
	}
	return workers, requests, quotaPerSecond, time.Duration(ms * float64(time.Millisecond))
}

// sweepJitter is CWPP_RATELIMIT_JITTER: each answer's latency spread by ±that share.
func sweepJitter() float64 {
	j := 0.0
	_, _ = fmt.Sscanf(os.Getenv("CWPP_RATELIMIT_JITTER"), "%g", &j)
	return j
}

// sweepSelected is every variant, variant CWPP_RATELIMIT_ONLY alone, or the
// variants CWPP_RATELIMIT_LAWS gives as a JSON list of sweepVariant.
func sweepSelected() []sweepVariant {
	vs := sweepVariants()
	if laws := os.Getenv("CWPP_RATELIMIT_LAWS"); laws != "" {
		vs = nil
		if err := json.Unmarshal([]byte(laws), &vs); err != nil {
			panic(fmt.Sprintf("CWPP_RATELIMIT_LAWS: %v", err))
		}
		return vs
	}
	if only := os.Getenv("CWPP_RATELIMIT_ONLY"); only != "" {
		var n int
		_, _ = fmt.Sscanf(only, "%d", &n)
		vs = vs[n : n+1]
	}
	return vs
}

// sweepChosen is the first of CWPP_RATELIMIT_LAWS, variant
// CWPP_RATELIMIT_VARIANT, or variant def.
func sweepChosen(def int) sweepVariant {
	vs := sweepVariants()
	if os.Getenv("CWPP_RATELIMIT_LAWS") != "" {
		return sweepSelected()[0]
	}
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
						latency: latency, jitter: sweepJitter(), stagger: stagger, maxRetries: 5, countEveryThrottle: simCountEveryThrottle(), seed: seed, newLimiter: v.limiter})
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
		latency: latency, jitter: sweepJitter(), stagger: time.Duration(stagger * float64(time.Second)), maxRetries: 5, countEveryThrottle: simCountEveryThrottle(), seed: uint64(seed)}
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

// freshSeeds reads CWPP_RATELIMIT_SEEDS="first n" (default "1000 100"):
// the seeds TestRateLimitFresh runs.
func freshSeeds() (firstSeed, seeds uint64) {
	firstSeed, seeds = 1000, 100
	if s := os.Getenv("CWPP_RATELIMIT_SEEDS"); s != "" {
		_, _ = fmt.Sscanf(s, "%d %d", &firstSeed, &seeds)
	}
	return firstSeed, seeds
}

func freshGrid(v sweepVariant, workers int) freshFigures {
	firstSeed, seeds := freshSeeds()
	var walls []float64
	var f freshFigures
	for _, model := range quota.Models {
		for _, stagger := range []time.Duration{0, 2 * time.Second} {
			for _, runs := range []int{2, 3, 5} {
				mean := 0.0
				for seed := range seeds {
					res := simulate(simConfig{runs: runs, workers: workers, requests: 200, quota: 20, ceiling: 20, model: model,
						latency: 30 * time.Millisecond, jitter: sweepJitter(), stagger: stagger, maxRetries: 5, countEveryThrottle: simCountEveryThrottle(), seed: firstSeed + seed, newLimiter: v.limiter})
					w := res.wall.Seconds() / (float64(runs*200) / 20)
					walls = append(walls, w)
					mean += w / float64(seeds)
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
	compared := []sweepVariant{limiterLaw, sweepChosen(1)}
	if os.Getenv("CWPP_RATELIMIT_LAWS") != "" {
		compared = sweepSelected()
	}
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
		if only := os.Getenv("CWPP_RATELIMIT_CASE"); only != "" && only != fmt.Sprintf("%d %d", c.workers, int(c.quota)) {
			continue // CWPP_RATELIMIT_CASE="workers quota" runs those cases alone
		}
		for _, v := range compared {
			for _, runs := range c.runs {
				var walls []float64
				throttled, failed := 0.0, 0
				for _, model := range quota.Models {
					for _, stagger := range []time.Duration{0, 2 * time.Second} {
						for seed := range uint64(c.seeds) {
							res := simulate(simConfig{runs: runs, workers: c.workers, requests: c.requests, quota: c.quota, ceiling: c.quota, model: model,
								latency: c.latency, jitter: jitter, stagger: stagger, maxRetries: 5, countEveryThrottle: simCountEveryThrottle(), seed: 3000 + seed, newLimiter: v.limiter})
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

// TestRateLimitSearch samples laws of a family, CWPP_RATELIMIT_SEARCH="family
// n" (n laws), scores each with scoreJittered and prints those within the
// family's throttling budget and 0 failed, as JSON for CWPP_RATELIMIT_LAWS.
// The families: floor (the limiter's: a floor at the delivered rate, growth
// by share, rephasing; budget 10%), quiet (the same, doubling the rate
// once quiet: Quiet; 10%), share (the floor's, growth by a moving mean
// of the shares at the cuts, half of them with the quiet rule for small
// shares: ShareW, QuietBelow; 10%), sharew (the limiter's, growth by the
// mean share: its weight and start, the growth's scale, the first cuts'
// depth; 10%), sharecut (cuts deepened with share, a
// fixed recovery time; 10%), steady (every answer moves the rate; 12%);
// CWPP_RATELIMIT_BUDGET=0.15 sets another budget.
func TestRateLimitSearch(t *testing.T) {
	var family string
	var n int
	if _, err := fmt.Sscanf(os.Getenv("CWPP_RATELIMIT_SEARCH"), "%s %d", &family, &n); err != nil {
		t.Skip(`a research tool: CWPP_RATELIMIT_SEARCH="<family> <laws>" runs it (families: floor, quiet, sharecut, share, sharew, start, depth, quiets, quietsp, steady)`)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	// in draws a number in [lo, lo+span] rounded to step; pick one of xs.
	in := func(lo, span, step float64) float64 { return math.Round((lo+span*rng.Float64())/step) * step }
	pick := func(xs ...float64) float64 { return xs[rng.IntN(len(xs))] }
	// quietPerShare is the limiter's law with the quiet rule waiting QuietMin
	// over the mean share, its growth g times the limiter's at a share of
	// 0.5 with the share to the power p, and the cuts drawn.
	quietPerShare := func(g, p float64) sweepVariant {
		v := limiterLaw
		v.Name = ""
		v.P, v.PA = p, p+0.25
		v.A, v.C = v.A*g*math.Pow(0.5, 1-p), v.C*g*math.Pow(0.5, 1-p)
		v.Beta, v.Gamma = in(0.5, 0.3, 0.01), in(0.6, 0.3, 0.01)
		v.StartBeta = in(0.15, 0.25, 0.05)
		v.Quiet, v.QuietS, v.QuietMin, v.QuietW = 1, true, in(0.4, 1.2, 0.05), 0.3
		if rng.IntN(2) == 0 {
			v.Double = in(0.3, 1.5, 0.1)
		} else {
			v.QuietShare, v.QuietShareT = true, true
		}
		return v
	}
	draw := map[string]func() sweepVariant{
		"floor": func() sweepVariant {
			return sweepVariant{Beta: in(0.6, 0.25, 0.01), Gamma: in(0.75, 0.2, 0.01), DeliveredN: int(pick(5, 10, 20)),
				A: in(0.005, 0.045, 0.001), PA: in(0, 3, 0.25), C: in(0.0005, 0.0045, 0.0001), P: in(0, 1.5, 0.25), Rephase: pick(0, 0.5, 1)}
		},
		"quiet": func() sweepVariant {
			return sweepVariant{Beta: in(0.6, 0.25, 0.01), Gamma: in(0.7, 0.2, 0.01), DeliveredN: 10,
				A: in(0.002, 0.02, 0.001), PA: in(0, 2, 0.25), C: in(0.0005, 0.0045, 0.0001), P: in(0, 1.5, 0.25), Rephase: 0.5,
				Quiet: in(1.2, 1.8, 0.1), QuietMin: in(1, 3, 0.5), Double: in(0.5, 2, 0.1), QuietW: pick(0.2, 0.3, 0.5)}
		},
		"sharecut": func() sweepVariant {
			return sweepVariant{Beta: in(0.85, 0.15, 0.01), CutS: in(0.15, 0.4, 0.01), Growth: pick(0.0005, 0.002, 0.004, 0.008),
				KFix: in(3, 5, 0.1), Probe: in(0.02, 0.08, 0.005), KeepMax: pick(0, 0, 0.5, 1)}
		},
		"share": func() sweepVariant {
			v := sweepVariant{Beta: in(0.6, 0.25, 0.01), Gamma: in(0.7, 0.2, 0.01), DeliveredN: 10,
				A: in(0.005, 0.03, 0.001), PA: in(0, 2, 0.25), C: in(0.0005, 0.0055, 0.0001), P: in(0, 1.5, 0.25), Rephase: 0.5,
				ShareW: pick(0.05, 0.1, 0.2, 0.3, 0.5)}
			if rng.IntN(2) == 0 {
				v.Quiet, v.QuietMin, v.Double, v.QuietW, v.QuietBelow = in(1.2, 1.8, 0.1), in(1, 3, 0.5), in(0.5, 2, 0.1), pick(0.2, 0.3, 0.5), in(0.1, 0.3, 0.05)
			}
			return v
		},
		"sharew": func() sweepVariant {
			v := sixthStopGrowing(in(0.7, 0.5, 0.05))
			v.Beta, v.Gamma = in(0.65, 0.1, 0.01), in(0.74, 0.1, 0.01)
			v.ShareW, v.ShareStart = in(0.1, 0.3, 0.05), pick(0, 0.4, 0.5, 0.6, 0.7, 0.8)
			if rng.IntN(3) == 0 {
				v.StartBeta, v.StartFor = in(0.4, 0.3, 0.05), pick(0.5, 1, 1.5)
			}
			return v
		},
		"start": func() sweepVariant {
			v := sixthStopGrowing(in(0.8, 0.8, 0.05))
			v.Beta, v.Gamma = in(0.65, 0.15, 0.01), in(0.72, 0.14, 0.01)
			v.ShareW, v.ShareStart = in(0.1, 0.3, 0.05), pick(0, 0.6, 0.8)
			v.StartBeta, v.StartFor = in(0.15, 0.25, 0.05), pick(0.5, 1, 1.5, 2)
			return v
		},
		"depth": func() sweepVariant {
			v := sixthStopGrowing(in(0.5, 1.5, 0.05))
			v.PA, v.P = in(0.5, 1, 0.25), in(0.5, 1, 0.25)
			v.Beta, v.Gamma = in(0.65, 0.15, 0.01), in(0.74, 0.15, 0.01)
			v.ShareW, v.DepthQ = in(0.1, 0.3, 0.05), in(0, 1.5, 0.25)
			if rng.IntN(2) == 0 {
				v.PastMax, v.PastDouble = in(0.1, 0.4, 0.05), in(0.5, 1.5, 0.1)
			}
			return v
		},
		"quiets":  func() sweepVariant { return quietPerShare(in(0.3, 1, 0.05), 1) },
		"quietsp": func() sweepVariant { return quietPerShare(in(0.5, 1.5, 0.05), in(1, 1.5, 0.25)) },
		"steady": func() sweepVariant {
			return sweepVariant{Steady: true, G0: in(0.005, 0.055, 0.001), AI: in(0, 0.006, 0.0005), Delta: in(0.1, 0.25, 0.01),
				D: pick(0, 0, 0.003, 0.01), TQ: in(1, 3, 0.1), Epoch: rng.IntN(2) == 0, Rephase: pick(0, 0, 0.5)}
		},
	}[family]
	budget := map[string]float64{"quiets": 0.11, "quietsp": 0.11, "start": 0.10, "depth": 0.10, "sharew": 0.10, "share": 0.10, "floor": 0.10, "quiet": 0.10, "sharecut": 0.10, "steady": 0.12}[family]
	_, _ = fmt.Sscanf(os.Getenv("CWPP_RATELIMIT_BUDGET"), "%g", &budget) // the most throttled a law printed may be
	if draw == nil {
		t.Fatalf("no family %q", family)
	}
	for range n {
		v := draw()
		over, worst, worstMean, share, failed := scoreJittered(v)
		if share <= budget && failed == 0 {
			b, _ := json.Marshal(v)
			fmt.Printf("over %.3f worst %.3f mean %.3f throttled %.3f %s\n", over, worst, worstMean, share, b)
		}
	}
}

// scoreJittered runs the grid on seeds 0-19 with latency jitter 0 and ±10%:
// the share of runs past 1.2x, the worst run, the worst cell's mean, the
// most throttled and the failed reads.
func scoreJittered(v sweepVariant) (over, worst, worstMean, share float64, failed int) {
	n, runs := 0, 0
	for _, jitter := range []float64{0, 0.1} {
		for _, model := range quota.Models {
			for _, stagger := range []time.Duration{0, 2 * time.Second} {
				for _, k := range []int{2, 3, 5} {
					mean, cellWorst, cellShare, cellOver := 0.0, 0.0, 0.0, 0
					for seed := range uint64(20) {
						res := simulate(simConfig{runs: k, workers: 10, requests: 200, quota: 20, ceiling: 20, model: model,
							latency: 30 * time.Millisecond, jitter: jitter, stagger: stagger, maxRetries: 5, countEveryThrottle: simCountEveryThrottle(), seed: seed, newLimiter: v.limiter})
						w := res.wall.Seconds() / (float64(k*200) / 20)
						mean += w / 20
						runs++
						if w > 1.2 {
							n++
							cellOver++
						}
						cellWorst = max(cellWorst, w)
						cellShare = max(cellShare, float64(res.throttled)/float64(res.sent))
						failed += res.failed
					}
					worst, share, worstMean = max(worst, cellWorst), max(share, cellShare), max(worstMean, mean)
					if os.Getenv("CWPP_RATELIMIT_CELLS") == "1" {
						fmt.Printf("  ±%2.0f%% %-14s %v K=%d: mean %.3fx, worst %.3fx, %2d past 1.2x, throttled at most %.1f%%\n",
							100*jitter, model, stagger, k, mean, cellWorst, cellOver, 100*cellShare)
					}
				}
			}
		}
	}
	return float64(n) / float64(runs), worst, worstMean, share, failed
}

// TestRateLimitScore prints scoreJittered for each selected variant.
func TestRateLimitScore(t *testing.T) {
	if os.Getenv("CWPP_RATELIMIT_SCORE") == "" {
		t.Skip("a research tool: CWPP_RATELIMIT_SCORE=1 runs it")
	}
	for _, v := range sweepSelected() {
		over, worst, mean, share, failed := scoreJittered(v)
		fmt.Printf("%-48.48s %.1f%% of runs past 1.2x, worst %.2fx, worst cell's mean %.3fx, throttled at most %.1f%%, %d failed\n", v.Name, 100*over, worst, mean, 100*share, failed)
	}
}

// TestSweepLawIsTheLimiters holds the sweep's first variant to the
// limiter's own law: the same simulations, draw for draw, give the same
// figures, so what the research tools measure of it is what ships.
func TestSweepLawIsTheLimiters(t *testing.T) {
	law := limiterLaw
	for _, model := range quota.Models {
		for _, c := range []struct {
			runs    int
			quota   float64
			jitter  float64
			stagger time.Duration
		}{{1, 20, 0, 0}, {3, 20, 0.1, 2 * time.Second}, {5, 5, 0.2, 0}, {2, 100, 0, time.Second}} {
			cfg := simConfig{runs: c.runs, workers: 10, requests: 200, quota: c.quota, ceiling: c.quota, model: model,
				latency: 30 * time.Millisecond, jitter: c.jitter, stagger: c.stagger, maxRetries: 5, seed: 7}
			limiter := simulate(cfg)
			cfg.newLimiter = law.limiter
			if swept := simulate(cfg); swept != limiter {
				t.Errorf("%s, %+v: the limiter %+v, the sweep's law %+v", model, c, limiter, swept)
			}
			if limiter.throttled == 0 && c.runs > 1 {
				t.Errorf("%s, %+v: nothing throttled, so nothing compared", model, c)
			}
		}
	}
}
