// Package ratelimit paces one cloud's requests for one provider instance.
//
// The API's quota belongs to the account, and other Terraform runs on other
// machines spend it too, so requests_per_second is a ceiling, not a rate to
// hold: the limiter lowers its rate when the cloud answers that it is
// throttling and raises it again while it does not. It follows the
// client-side rate of the AWS SDK for Go v2's adaptive retry mode
// (aws/retry/adaptive_ratelimit.go), which is TCP CUBIC (RFC 9438) applied to
// a request rate: a throttled answer multiplies the rate by Beta; afterwards
// the rate follows a cubic from there back to lastMax, the rate that was
// throttled, slowly as it nears it, then faster beyond, up to the ceiling.
// Runs that share a quota thus settle near their shares with no word
// between them.
//
// Where this differs from the AWS SDK, and why:
//   - The cubic is scaled to lastMax instead of counted in requests per
//     second: rate(t) = lastMax·(1 + Growth·(t − K)³), K = ∛((1 − Beta)/Growth).
//     The AWS constant (0.4 requests/s per s³) regrows a rate of a few
//     requests per second in about two seconds, so runs sharing a quota of
//     20/s overshoot it every other second: in the simulation of this
//     package's tests, 5 runs had about 15% of their requests throttled with
//     it and 8% with this (measured while choosing Growth). The shape is the
//     same at every quota: back to lastMax in K = 4.2 s, then above it by
//     0.4% a second later, 3% after two, 26% after four.
//   - Past lastMax the rate also grows linearly, by Probe of the ceiling a
//     second, whatever lastMax: a run whose peers finished (or stopped
//     throttling) regrows from a small share in seconds, where the cubic,
//     scaled to that small lastMax, took ten. In this package's simulation
//     (three gateway counters, runs started together and 2 s apart), the
//     worst of 20 seeds went from 1.50x to 1.35x the quota's bound (timed
//     from the first run's start), with the share of requests throttled
//     unchanged (at most 9.5%).
//   - An answer cuts the rate only if its request was sent after the last
//     cut: the answers to requests sent at the old rate say nothing new, and
//     counting them would cut once per request in flight.
//   - Requests waiting for their turn are paced by the rate at the moment
//     they go, so a cut holds every waiting request at once. This is why the
//     pacing is not golang.org/x/time/rate's: its reservations keep the old
//     spacing for the requests already queued, and polling it with AllowN
//     charges each waiter's timer lateness to the next request (12% slower
//     at 500/s here).
package ratelimit

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
)

const (
	// Beta is the share of the rate kept when the cloud throttles (AWS: 0.7).
	Beta = 0.7
	// Growth scales the cubic, per second cubed, relative to lastMax.
	Growth = 0.004
	// Probe is the linear growth past lastMax, per second, as a share of the ceiling.
	Probe = 0.03
	// MinRate is the floor, in requests per second (AWS: 0.5).
	MinRate = 0.5
	// Margin keeps the ceiling a little under requests_per_second, so that
	// network jitter bunching requests cannot meet a server's per-second counter.
	Margin = 0.98
	// logStep is the smallest rise logged, as a share of the ceiling: while it
	// recovers, the rate rises a little on every answer.
	logStep = 0.1
)

// recoverySeconds is K: how long the cubic takes from a cut back to lastMax.
var recoverySeconds = math.Cbrt((1 - Beta) / Growth)

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
	// lastMax is the rate the last cut was made at, lastCut its time, and
	// cuts counts them.
	lastMax float64
	lastCut time.Time
	cuts    uint64
	logged  float64 // the rate last logged
}

// New returns a limiter of name (the cloud) whose ceiling is
// requestsPerSecond times Margin; it starts at the ceiling.
func New(name string, requestsPerSecond float64, clock Clock) *Limiter {
	ceiling := max(requestsPerSecond*Margin, MinRate)
	return &Limiter{
		name: name, clock: clock, ceiling: ceiling,
		rate: ceiling, lastMax: ceiling, logged: ceiling,
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
	next := l.last.Add(interval)
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
	if throttled {
		if p.cuts != l.cuts {
			return // sent at the rate before the last cut
		}
		l.lastMax, l.lastCut = l.rate, now
		l.cuts++
		l.set(ctx, max(l.rate*Beta, MinRate), "lowered the request rate: the cloud is throttling")
		return
	}
	if l.rate >= l.ceiling {
		return
	}
	if next := min(l.after(now.Sub(l.lastCut).Seconds()), l.ceiling); next > l.rate {
		l.set(ctx, next, "raised the request rate")
	}
}

// after is the rate t seconds after the last cut: the cubic back to
// lastMax, then the faster of the cubic and the linear probe.
func (l *Limiter) after(t float64) float64 {
	d := t - recoverySeconds
	r := l.lastMax * (1 + Growth*d*d*d)
	if d > 0 {
		r = max(r, l.lastMax+Probe*l.ceiling*d)
	}
	return r
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
