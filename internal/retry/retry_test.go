package retry

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/ratelimit"
)

var errTransient = errors.New("transient")

func fastPolicy(maxRetries int) *Policy {
	p := NewPolicy("test", 1000, maxRetries)
	p.BaseDelay, p.MaxDelay = time.Millisecond, 2*time.Millisecond
	return p
}

func retryTransient(err error) Verdict { return Verdict{Retry: errors.Is(err, errTransient)} }

func TestDoRetriesTransientUntilSuccess(t *testing.T) {
	calls := 0
	err := fastPolicy(5).Do(context.Background(), "Test", func(context.Context) error {
		calls++
		if calls < 3 {
			return errTransient
		}
		return nil
	}, retryTransient)
	if err != nil || calls != 3 {
		t.Fatalf("err = %v, calls = %d; want nil after 3 calls", err, calls)
	}
}

func TestDoStopsAtMaxRetries(t *testing.T) {
	calls := 0
	err := fastPolicy(2).Do(context.Background(), "Test", func(context.Context) error {
		calls++
		return errTransient
	}, retryTransient)
	if !errors.Is(err, errTransient) || calls != 3 {
		t.Fatalf("err = %v, calls = %d; want the transient error after 1 call + 2 retries", err, calls)
	}
}

func TestDoNeverRetriesPermanentErrors(t *testing.T) {
	permanent := errors.New("signature")
	calls := 0
	err := fastPolicy(5).Do(context.Background(), "Test", func(context.Context) error {
		calls++
		return permanent
	}, retryTransient)
	if !errors.Is(err, permanent) || calls != 1 {
		t.Fatalf("err = %v, calls = %d; want the permanent error after one call", err, calls)
	}
}

func TestDoHonoursCancellationDuringBackoff(t *testing.T) {
	p := NewPolicy("test", 1000, 5)
	p.BaseDelay, p.MaxDelay = time.Hour, time.Hour
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := p.Do(ctx, "Test", func(context.Context) error { return errTransient },
		func(error) Verdict { return Verdict{Retry: true, After: time.Hour} })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("Do returned after %s, long after the context ended", elapsed)
	}
}

func TestBackoffStaysUnderItsCeiling(t *testing.T) {
	p := NewPolicy("test", 1, 0)
	for attempt := range 40 {
		for range 50 {
			if d := p.backoff(attempt); d < 0 || d > p.MaxDelay {
				t.Fatalf("backoff(%d) = %s, outside [0, %s]", attempt, d, p.MaxDelay)
			}
		}
	}
}

// TestDoStopsAtPermanent: an error marked Permanent is returned, unwrapped,
// after one call, though the classifier would retry what it wraps.
func TestDoStopsAtPermanent(t *testing.T) {
	calls := 0
	err := fastPolicy(5).Do(context.Background(), "test", func(context.Context) error {
		calls++
		return Permanent(errTransient)
	}, retryTransient)
	if calls != 1 || err != errTransient {
		t.Fatalf("%d calls, error %v; want 1 call and errTransient itself", calls, err)
	}
}

func TestThrottledAttemptsLowerTheRate(t *testing.T) {
	p := fastPolicy(5)
	throttled := errors.New("throttled")
	calls := 0
	err := p.Do(t.Context(), "Test", func(context.Context) error {
		calls++
		if calls <= 2 {
			return throttled
		}
		return nil
	}, func(err error) Verdict {
		return Verdict{Retry: true, Throttled: errors.Is(err, throttled)}
	})
	if err != nil || calls != 3 {
		t.Fatalf("err = %v, calls = %d; want success on the third call", err, calls)
	}
	// Each retry waited for the limiter and was sent after the cut before it,
	// so each throttled answer cut the rate once, in the run's first second
	// to ratelimit.StartBeta: 980 x 0.3 x 0.3, and the success after them
	// has begun the climb back, slowly (one cut would leave 294, three 26).
	if got, want := p.Limiter.Rate(), 980*ratelimit.StartBeta*ratelimit.StartBeta; got < want*0.999 || got > 980*ratelimit.StartBeta*0.5 {
		t.Fatalf("rate %v after two throttled attempts, want about %v", got, want)
	}
}

func TestTransientFaultsLeaveTheRate(t *testing.T) {
	p := fastPolicy(5)
	calls := 0
	_ = p.Do(t.Context(), "Test", func(context.Context) error {
		calls++
		if calls <= 2 {
			return errTransient
		}
		return nil
	}, retryTransient)
	if got := p.Limiter.Rate(); got != p.Limiter.Ceiling() {
		t.Fatalf("rate %v after transient faults, want the ceiling %v", got, p.Limiter.Ceiling())
	}
}

var errThrottled = errors.New("throttled")

func retryThrottled(err error) Verdict {
	return Verdict{Retry: errors.Is(err, errThrottled), Throttled: errors.Is(err, errThrottled)}
}

// TestDoCountsThrottlingOnlyWhileNothingGetsThrough: a throttled answer
// costs one of max_retries only when no other request of the provider was
// accepted since the request's last attempt; otherwise the quota is shared
// and the retry is free, up to SharedQuotaRetries·max_retries of them.
func TestDoCountsThrottlingOnlyWhileNothingGetsThrough(t *testing.T) {
	for _, c := range []struct {
		name                string
		maxRetries          int
		throttled           int  // answers throttled before one is accepted
		othersGetThrough    bool // another request is accepted during each attempt
		wantCalls           int
		wantThrottledReturn bool
	}{
		{"others get through: every throttled retry free", 2, 7, true, 8, false},
		{"others get through: free up to 4 x max_retries, then counted", 2, 100, true, 1 + 8 + 2, true},
		{"nothing gets through: each throttled answer counts", 2, 100, false, 3, true},
		{"nothing gets through: within max_retries", 2, 2, false, 3, false},
		{"max_retries = 0: no retry, shared or not", 0, 100, true, 1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := fastPolicy(c.maxRetries)
			ctx := context.Background()
			calls := 0
			err := p.Do(ctx, "Test", func(context.Context) error {
				calls++
				if c.othersGetThrough {
					other, err := p.Limiter.Wait(ctx)
					if err != nil {
						return err
					}
					p.Limiter.Observe(ctx, other, false)
				}
				if calls <= c.throttled {
					return errThrottled
				}
				return nil
			}, retryThrottled)
			if calls != c.wantCalls || errors.Is(err, errThrottled) != c.wantThrottledReturn {
				t.Fatalf("calls = %d, err = %v; want %d calls, throttled error returned: %v", calls, err, c.wantCalls, c.wantThrottledReturn)
			}
		})
	}
}

// TestDoSharedQuotaCountsOnlyThrottling: a transient fault while others get
// through still counts; sharing excuses throttling only.
func TestDoSharedQuotaCountsOnlyThrottling(t *testing.T) {
	p := fastPolicy(2)
	ctx := context.Background()
	calls := 0
	err := p.Do(ctx, "Test", func(context.Context) error {
		calls++
		other, err := p.Limiter.Wait(ctx)
		if err != nil {
			return err
		}
		p.Limiter.Observe(ctx, other, false)
		return errTransient
	}, retryTransient)
	if !errors.Is(err, errTransient) || calls != 3 {
		t.Fatalf("err = %v, calls = %d; want the transient error after 1 call + 2 retries", err, calls)
	}
}
