// Package ratelimit paces one cloud's requests for one provider instance.
//
// The API's quota belongs to the account, and other Terraform runs on other
// machines spend it too, so requests_per_second is a ceiling, not a rate to
// hold: the limiter lowers its rate when the cloud answers that it is
// throttling and raises it again while it does not, so runs that share a
// quota settle near their shares with no word between them. It starts from
// the client-side rate of the AWS SDK for Go v2's adaptive retry mode
// (aws/retry/adaptive_ratelimit.go): a throttled answer multiplies the rate
// by Beta, and the rate then grows back along a cubic of the time since the
// cut, slowly at first.
//
// Where this differs from the AWS SDK, and why (issue 29: the figures come
// from the simulation in this package's tests, three gateway counters, 2, 3
// and 5 runs of 200 requests sharing 20/s, started together and up to 2 s
// apart; sweep_test.go reproduces them):
//   - A cut keeps at least DeliveredShare of the rate the cloud accepted
//     from this run lately (its accepted answers of the last second, or its
//     last deliveredAnswers when those span more than a second). A counter
//     of the last second goes on refusing for up to a second after a burst
//     whatever the rate meanwhile, and each refusal cut again: runs cut to
//     a third of their share, then waited seconds to regrow. What the cloud
//     just accepted is the run's share, so the cut stays near it.
//   - A cut within StartFor of the run's first answer keeps StartBeta, not
//     Beta (or DeliveredShare of what the cloud accepted, if more). A run
//     alone at the ceiling is never refused, so a refusal then means other
//     runs hold the quota: K runs started together reach their shares in
//     one or two cuts instead of four or five, each of which cost a
//     refused request, and the throttling saved pays for the growth below.
//   - The growth after a cut is scaled to the run's share of the ceiling, s,
//     a moving mean of its shares at its cuts (ShareWeight the newest's
//     weight, from 1): rate(t) = cut + ceiling·(Linear·s^1.25·t +
//     Cubic·s·t³). K runs each grow by about a K-th, so together they
//     return to the quota at the same pace whatever K, and 5 runs stay
//     within 10% of their requests throttled. The mean, not the last
//     share: a counter near its quota refuses one run more than the others
//     now and then, and a run squeezed for a few seconds then regrew as if
//     it had always been small, seconds more once its peers finished.
//   - A cut also delays the next request by up to Rephase of the new
//     spacing, at random: runs paced in step meet a window counter at the
//     same point of every window, and then the same run is refused again
//     and again (5 runs sharing 5/s: a third fewer failed reads).
//   - An answer cuts the rate only if its request was sent after the last
//     cut: the answers to requests sent at the old rate say nothing new, and
//     counting them would cut once per request in flight.
//   - Requests waiting for their turn are paced by the rate at the moment
//     they go, so a cut holds every waiting request at once. This is why the
//     pacing is not golang.org/x/time/rate's: its reservations keep the old
//     spacing for the requests already queued, and polling it with AllowN
//     charges each waiter's timer lateness to the next request (12% slower
//     at 500/s here).
//
// Against the limiter before issue 29 (the AWS cubic scaled to the rate cut
// from, back to it in 4.2 s, plus a linear probe), on 100 seeds the test
// does not use and with each answer's latency spread by ±10%: runs past 1.2x
// the quota's bound 22% to 5%, the worst cell's mean 1.24x to 1.17x, at most
// 10% of requests throttled either way. It is still short of issue 29's aim,
// every run within 1.2x: the runs past it end on gateways that count the
// last second, where a run left alone by its peers regrows to the ceiling
// in seconds. Told at once that it is alone (which no run can know: the
// sweep's oracles), the same law reaches the aim; every probe tried for it
// costs more refusals than the walls gain.
package ratelimit

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
)

const (
	// Beta is the least share of the rate a cut keeps (AWS: 0.7).
	Beta = 0.7
	// DeliveredShare is the least share a cut keeps of the rate the cloud
	// accepted from this run lately.
	DeliveredShare = 0.78
	// StartBeta replaces Beta for the cuts within StartFor of the run's
	// first answer (see the package comment).
	StartBeta = 0.3
	StartFor  = time.Second
	// ShareWeight is the weight of the newest share in the moving mean of
	// the run's shares at its cuts, which scales the growth.
	ShareWeight = 0.2
	// Linear and Cubic scale the growth after a cut, per second and per
	// second cubed, as shares of the ceiling; the linear term is also
	// scaled by the run's share to the power LinearPower, the cubic by the
	// share (see the package comment).
	Linear      = 0.0126
	LinearPower = 1.25
	Cubic       = 0.00414
	// Rephase is the most a cut delays the next request, as a share of the
	// new spacing.
	Rephase = 0.5
	// MinRate is the floor, in requests per second (AWS: 0.5).
	MinRate = 0.5
	// Margin keeps the ceiling a little under requests_per_second, so that
	// requests bunched by up to about 20 ms of jitter on their way stay
	// within a server's per-second counter (20 turns at 19.6/s span 969 ms).
	Margin = 0.98
	// deliveredAnswers is how many accepted answers, at the least, measure
	// the rate the cloud accepted: at a request or two a second, one
	// second's count is 0, 1 or 2.
	deliveredAnswers = 10
	// logStep is the smallest rise logged, as a share of the ceiling: while it
	// recovers, the rate rises a little on every answer.
	logStep = 0.1
)

// Clock is the time the limiter runs on; tests swap it.
type Clock interface {
	Now() time.Time
	// Sleep waits d, or returns ctx's error once ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// SystemClock is the real clock.
var SystemClock Clock = systemClock{}

// Limiter is shared by every request of one cloud's client. It is safe for
// concurrent use.
type Limiter struct {
	name    string // the cloud, for the log lines
	clock   Clock
	ceiling float64

	mu   sync.Mutex
	rate float64
	// last is when the last turn was due: the next is due 1/rate later, so
	// no two requests go closer together (no burst).
	last time.Time
	// cutTo is the rate after the last cut, lastCut its time, and cuts
	// counts them; share is the moving mean of the run's shares of the
	// ceiling at its cuts (1 before the first), and first the time of the
	// run's first answer.
	cutTo, share   float64
	lastCut, first time.Time
	cuts           uint64
	// accepted holds when the answers of the last second were accepted, and
	// at least the last deliveredAnswers.
	accepted []time.Time
	answers  uint64         // accepted answers since New, for Accepted
	logged   float64        // the rate last logged
	uniform  func() float64 // [0, 1), for Rephase; the simulation seeds it
}

// New returns a limiter of name (the cloud) whose ceiling is
// requestsPerSecond times Margin; it starts at the ceiling.
func New(name string, requestsPerSecond float64, clock Clock) *Limiter {
	ceiling := max(requestsPerSecond*Margin, MinRate)
	return &Limiter{
		name: name, clock: clock, ceiling: ceiling,
		rate: ceiling, share: 1, logged: ceiling, uniform: rand.Float64,
	}
}

// Permit is one request's turn; the request's answer goes back to Observe
// with it. It records the cuts made before it was granted.
type Permit struct {
	sent time.Time
	cuts uint64
}

// Rate is the current rate, in requests per second.
func (l *Limiter) Rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate
}

// Accepted counts the answers the cloud accepted (Observe with throttled
// false) since New: a caller compares two counts to learn whether any
// request got through in between.
func (l *Limiter) Accepted() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.answers
}

// Ceiling is the highest rate: requests_per_second times Margin.
func (l *Limiter) Ceiling() float64 { return l.ceiling }

// Wait blocks until a request may be sent, or ctx is done.
func (l *Limiter) Wait(ctx context.Context) (Permit, error) {
	for {
		if err := ctx.Err(); err != nil {
			return Permit{}, err
		}
		p, wait := l.take(l.clock.Now())
		if wait == 0 {
			return p, nil
		}
		if err := l.clock.Sleep(ctx, wait); err != nil {
			return Permit{}, err
		}
	}
}

// take grants a turn at now, or says how long until one may be free at the
// current rate. Waiters ask again then, so a cut meanwhile holds them back.
func (l *Limiter) take(now time.Time) (Permit, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	interval := time.Duration(float64(time.Second) / l.rate)
	return l.grant(now, l.last.Add(interval), interval)
}

// grant grants the turn due at next, interval after the one before, or says
// how long until it is due. l.mu is held.
func (l *Limiter) grant(now, next time.Time, interval time.Duration) (Permit, time.Duration) {
	if wait := next.Sub(now); wait > slack {
		return Permit{}, wait
	}
	// A waiter woken a little late keeps the pace (its timer's lateness is
	// not charged to the next request); one after a pause starts it anew.
	if now.Sub(next) < interval {
		l.last = next
	} else {
		l.last = now
	}
	return Permit{sent: now, cuts: l.cuts}, 0
}

// slack is far below any spacing the limiter keeps (51 ms at 19.6/s).
const slack = 20 * time.Microsecond

// Observe takes the answer to the request sent with p: throttled or not.
// Other failures say nothing about the quota and are not observed.
func (l *Limiter) Observe(ctx context.Context, p Permit, throttled bool) {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forget(now, deliveredAnswers)
	if l.first.IsZero() {
		l.first = now
	}
	if throttled {
		if p.cuts != l.cuts {
			return // sent at the rate before the last cut
		}
		l.lastCut = now
		l.cuts++
		l.share += ShareWeight * (l.rate/l.ceiling - l.share)
		beta := Beta
		if now.Sub(l.first) < StartFor {
			beta = StartBeta
		}
		l.cutTo = min(max(l.rate*beta, DeliveredShare*l.delivered(now), MinRate), l.rate)
		l.set(ctx, l.cutTo, "lowered the request rate: the cloud is throttling")
		l.delayNext(Rephase * l.uniform())
		return
	}
	l.accepted = append(l.accepted, now)
	l.answers++
	if l.rate >= l.ceiling {
		return
	}
	if next := min(l.after(now.Sub(l.lastCut).Seconds()), l.ceiling); next > l.rate {
		l.set(ctx, next, "raised the request rate")
	}
}

// delayNext moves the next turn later by share of the current spacing.
// l.mu is held.
func (l *Limiter) delayNext(share float64) {
	l.last = l.last.Add(time.Duration(share * float64(time.Second) / l.rate))
}

// forget drops the accepted answers older than a second, but not the last
// keep.
func (l *Limiter) forget(now time.Time, keep int) {
	i := 0
	for i < len(l.accepted)-keep && !l.accepted[i].After(now.Add(-time.Second)) {
		i++
	}
	l.accepted = l.accepted[i:]
}

// delivered is the rate the cloud accepted lately: the answers of the last
// second, or the ones kept over the time they span.
func (l *Limiter) delivered(now time.Time) float64 {
	if len(l.accepted) == 0 {
		return 0
	}
	n := float64(len(l.accepted))
	if span := now.Sub(l.accepted[0]).Seconds(); span > 1 {
		return n / span
	}
	return n
}

// after is the rate t seconds after the last cut: the cut's, plus growth
// scaled to the run's mean share of the ceiling at its cuts.
func (l *Limiter) after(t float64) float64 {
	s := l.share
	return l.cutTo + l.ceiling*(math.Pow(s, LinearPower)*Linear*t+s*Cubic*t*t*t)
}

// set changes the rate, logging each cut and each rise of a tenth of the ceiling.
func (l *Limiter) set(ctx context.Context, r float64, msg string) {
	previous := l.rate
	l.rate = r
	if r < previous || r-l.logged >= logStep*l.ceiling || (r == l.ceiling && l.logged != r) {
		logging.Debug(ctx, msg, map[string]any{
			"cloud": l.name, "requests_per_second": round(r), "previous": round(previous), "ceiling": round(l.ceiling),
		})
		l.logged = r
	}
}

func round(r float64) float64 { return math.Round(r*100) / 100 }
