package ratelimit

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"time"
)

// fakeClock moves only when the limiter sleeps: a waiter's sleep is time passing.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.advance(d)
	return nil
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// grants waits n turns and returns when each was granted.
func grants(t *testing.T, l *Limiter, n int) []time.Time {
	t.Helper()
	out := make([]time.Time, 0, n)
	for range n {
		p, err := l.Wait(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.sent)
	}
	return out
}

// maxInWindow is the most grants in any window of length w.
func maxInWindow(times []time.Time, w time.Duration) int {
	most := 0
	for i := range times {
		j := i
		for j < len(times) && times[j].Sub(times[i]) < w {
			j++
		}
		most = max(most, j-i)
	}
	return most
}

func TestNeverFasterThanTheCeiling(t *testing.T) {
	clock := newFakeClock()
	l := New("test", 20, clock)
	if got := l.Ceiling(); got != 19.6 {
		t.Fatalf("ceiling %v, want 19.6 (20 times the margin)", got)
	}
	times := grants(t, l, 200)
	if most := maxInWindow(times, time.Second); most > 20 {
		t.Fatalf("%d requests in one second, quota 20", most)
	}
	if elapsed := times[len(times)-1].Sub(times[0]).Seconds(); elapsed < 199/19.6-0.001 {
		t.Fatalf("200 requests in %.2f s: faster than 19.6/s", elapsed)
	}
	// Long without throttling, answers never push the rate past the ceiling.
	for range 100 {
		clock.advance(time.Second)
		l.Observe(t.Context(), Permit{sent: clock.Now(), cuts: l.cuts}, false)
		if r := l.Rate(); r > l.Ceiling() {
			t.Fatalf("rate %v above the ceiling %v", r, l.Ceiling())
		}
	}
}

// TestCutsOfTheFirstSecondGoDeeper: a refusal within StartFor of the run's
// first answer means other runs hold the quota, and the cut keeps StartBeta
// (or DeliveredShare of what the cloud accepted, if more); later ones keep
// Beta.
func TestCutsOfTheFirstSecondGoDeeper(t *testing.T) {
	clock := newFakeClock()
	l := New("test", 20, clock)
	p, _ := l.Wait(t.Context())
	l.Observe(t.Context(), p, true)
	if got, want := l.Rate(), 19.6*StartBeta; math.Abs(got-want) > 1e-9 {
		t.Fatalf("after a refusal of the first answer the rate is %v, want %v", got, want)
	}
	clock.advance(StartFor - time.Millisecond)
	p, _ = l.Wait(t.Context())
	l.Observe(t.Context(), p, true)
	if got, want := l.Rate(), 19.6*StartBeta*StartBeta; math.Abs(got-want) > 1e-9 {
		t.Fatalf("after a second refusal within %v the rate is %v, want %v", StartFor, got, want)
	}
	clock.advance(time.Millisecond)
	before := l.Rate()
	p, _ = l.Wait(t.Context())
	l.Observe(t.Context(), p, true)
	if got, want := l.Rate(), before*Beta; math.Abs(got-want) > 1e-9 {
		t.Fatalf("after a refusal %v after the first answer the rate is %v, want %v", StartFor, got, want)
	}
}

// TestThrottlingLowersTheRateThenItRecovers: past the run's first second,
// a refusal cuts the rate to Beta of it, once per rate; it climbs back, slowly
// at first.
func TestThrottlingLowersTheRateThenItRecovers(t *testing.T) {
	clock := newFakeClock()
	l := New("test", 20, clock)
	p, _ := l.Wait(t.Context())
	l.Observe(t.Context(), p, false) // the run's first answer
	clock.advance(StartFor)
	p, _ = l.Wait(t.Context())
	l.Observe(t.Context(), p, true)
	if got, want := l.Rate(), 19.6*Beta; got != want {
		t.Fatalf("after one throttled answer the rate is %v, want %v", got, want)
	}
	// Answers to requests sent before the cut do not cut again.
	l.Observe(t.Context(), p, true)
	if got := l.Rate(); got != 19.6*Beta {
		t.Fatalf("an answer to a request sent before the cut moved the rate to %v", got)
	}
	// A request sent after the cut and throttled cuts again.
	p, _ = l.Wait(t.Context())
	l.Observe(t.Context(), p, true)
	cut := 19.6 * Beta * Beta
	if got := l.Rate(); got != cut {
		t.Fatalf("after a second cut the rate is %v, want %v", got, cut)
	}
	// The spacing follows the new rate at once.
	times := grants(t, l, 11)
	if gap := times[10].Sub(times[0]).Seconds() / 10; gap < 1/cut*0.999 {
		t.Fatalf("requests %.3f s apart after the cut, want %.3f", gap, 1/cut)
	}

	// Without throttling, the rate climbs back, slowly at first: the run's
	// shares of the ceiling at its cuts were 1 and 0.7, whose moving mean
	// is s = 1 − ShareWeight·0.3, so it grows by 19.6·(s^1.25·Linear·t +
	// s·Cubic·t³).
	if got, want := l.share, 1-ShareWeight*(1-Beta); math.Abs(got-want) > 1e-9 {
		t.Fatalf("the mean share at the cuts is %v, want %v", got, want)
	}
	cutAt, cutFrom := l.lastCut, 19.6*Beta
	previous := l.Rate()
	backAt, reachedCeiling := time.Duration(0), time.Duration(0)
	for clock.Now().Sub(cutAt) < time.Minute {
		clock.advance(100 * time.Millisecond)
		p, _ := l.Wait(t.Context())
		l.Observe(t.Context(), p, false)
		r, since := l.Rate(), clock.Now().Sub(cutAt)
		switch {
		case r < previous:
			t.Fatalf("the rate fell from %v to %v without throttling", previous, r)
		case since <= time.Second && r-cut > 0.1*(cutFrom-cut):
			t.Fatalf("%v after the cut the rate is %v: it regained more than a tenth of the cut in a second", since, r)
		}
		if backAt == 0 && r >= cutFrom {
			backAt = since
		}
		previous = r
		if r == l.Ceiling() {
			reachedCeiling = since
			break
		}
	}
	if backAt < 3*time.Second || backAt > 5*time.Second {
		t.Fatalf("back at the rate cut from after %v, want 3 to 5 s", backAt)
	}
	if reachedCeiling == 0 || reachedCeiling > 7*time.Second {
		t.Fatalf("back at the ceiling after %v, want within 7 s", reachedCeiling)
	}
	t.Logf("back at the rate cut from %v after the cut, at the ceiling after %v", backAt, reachedCeiling)
}

// TestCutKeepsTheDeliveredShare: a run whose requests the cloud was
// accepting at 19.6/s and is then refused keeps 0.78 of what the cloud
// accepted in the last second, not 0.7 of its rate, and so does the next
// refusal.
func TestCutKeepsTheDeliveredShare(t *testing.T) {
	clock := newFakeClock()
	l := New("test", 20, clock)
	l.uniform = func() float64 { return 0 }
	for range 40 {
		p, _ := l.Wait(t.Context())
		l.Observe(t.Context(), p, false) // answered at once, 1/19.6 s apart
	}
	// The refused request goes 1/19.6 s after the last: 19 answers in the
	// second before it.
	p, _ := l.Wait(t.Context())
	l.Observe(t.Context(), p, true)
	if got, want := l.Rate(), DeliveredShare*19; math.Abs(got-want) > 1e-9 {
		t.Fatalf("after a refusal the rate is %v, want %v (0.78 of the 19 answers accepted in the last second; 0.7 of the rate is %v)", got, want, 19.6*Beta)
	}
	// The next goes 1/14.82 s later: 18 answers left in its second.
	p, _ = l.Wait(t.Context())
	l.Observe(t.Context(), p, true)
	if got, want := l.Rate(), DeliveredShare*18; math.Abs(got-want) > 1e-9 {
		t.Fatalf("after a second refusal the rate is %v, want %v (0.78 of 18 accepted; 0.7 of the rate is %v)", got, want, DeliveredShare*19*Beta)
	}
	// Seconds later the last 10 answers span seconds, and a cut keeps 0.7.
	clock.advance(5 * time.Second)
	before := l.Rate()
	p, _ = l.Wait(t.Context())
	l.Observe(t.Context(), p, true)
	if got, want := l.Rate(), before*Beta; math.Abs(got-want) > 1e-9 {
		t.Fatalf("a refusal 5 s later left the rate at %v, want %v", got, want)
	}
}

// TestCutRephasesTheNextRequest: a cut delays the next turn by up to
// Rephase of the new spacing.
func TestCutRephasesTheNextRequest(t *testing.T) {
	clock := newFakeClock()
	l := New("test", 20, clock)
	l.uniform = func() float64 { return 1 }
	p, _ := l.Wait(t.Context())
	l.Observe(t.Context(), p, true)
	times := grants(t, l, 1)
	spacing := time.Duration(float64(time.Second) / l.Rate())
	if got, want := times[0].Sub(p.sent), spacing+time.Duration(Rephase*float64(time.Second)/l.Rate()); got < want-time.Microsecond || got > want+time.Microsecond {
		t.Fatalf("the turn after the cut came %v after the refused request, want %v (the spacing %v and %v of it)", got, want, spacing, Rephase)
	}
}

func TestRateNeverBelowTheFloor(t *testing.T) {
	clock := newFakeClock()
	l := New("test", 20, clock)
	for range 50 {
		p, _ := l.Wait(t.Context())
		l.Observe(t.Context(), p, true)
	}
	if got := l.Rate(); got != MinRate {
		t.Fatalf("after 50 cuts the rate is %v, want the floor %v", got, MinRate)
	}
}

// blockingClock sleeps until ctx is done.
type blockingClock struct{ fakeClock }

func (c *blockingClock) Sleep(ctx context.Context, _ time.Duration) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestWaitStopsOnCancellation(t *testing.T) {
	l := New("test", 1, &blockingClock{*newFakeClock()})
	if _, err := l.Wait(t.Context()); err != nil { // the one token of the burst
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := l.Wait(ctx)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait returned %v, want context.Canceled", err)
	}
	if _, err := l.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait on a done context returned %v", err)
	}
}

// TestConcurrentUse shares one limiter between goroutines that wait and
// answer, on the real clock. Run with -race.
func TestConcurrentUse(t *testing.T) {
	l := New("test", 2000, SystemClock)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				p, err := l.Wait(t.Context())
				if err != nil {
					t.Error(err)
					return
				}
				l.Observe(t.Context(), p, i == 10+g)
			}
		})
	}
	wg.Wait()
	if r := l.Rate(); r < MinRate || r > l.Ceiling() {
		t.Fatalf("rate %v outside [%v, %v]", r, MinRate, l.Ceiling())
	}
}
