// Package retry holds the call policy both cloud clients share: the adaptive
// rate limiter that every request of a provider instance waits on, retries
// included, and retries of transient failures with capped exponential backoff
// and full jitter.
package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/ratelimit"
)

const (
	// DefaultBaseDelay and DefaultMaxDelay bound the backoff: seconds, never minutes.
	DefaultBaseDelay = 250 * time.Millisecond
	DefaultMaxDelay  = 8 * time.Second
)

// Verdict is what a client's classifier says about a failed call.
type Verdict struct {
	// Retry is true for throttling and transient faults only.
	Retry bool
	// Throttled says the cloud refused the request for its quota: the
	// limiter lowers its rate.
	Throttled bool
	// After is the server's Retry-After, when it sent one.
	After time.Duration
	// RequestID and Reason go into the retry's log line.
	RequestID string
	Reason    string
}

// Policy is shared by every read of one provider instance for one cloud.
type Policy struct {
	Limiter    *ratelimit.Limiter
	MaxRetries int
	BaseDelay  time.Duration
	MaxDelay   time.Duration
}

// NewPolicy returns a policy for cloud (named in log lines) whose rate
// never exceeds requestsPerSecond, with no burst.
func NewPolicy(cloud string, requestsPerSecond float64, maxRetries int) *Policy {
	return &Policy{
		Limiter:    ratelimit.New(cloud, requestsPerSecond, ratelimit.SystemClock),
		MaxRetries: maxRetries,
		BaseDelay:  DefaultBaseDelay,
		MaxDelay:   DefaultMaxDelay,
	}
}

// Do runs call under the limiter, retrying while classify says so and attempts
// remain. Every attempt waits for the limiter, and tells it whether the cloud
// throttled it. It returns the last error, or the context's error once ctx is done.
func (p *Policy) Do(ctx context.Context, action string, call func(context.Context) error, classify func(error) Verdict) error {
	for attempt := 0; ; attempt++ {
		permit, err := p.Limiter.Wait(ctx)
		if err != nil {
			return err
		}
		err = call(ctx)
		if err == nil {
			p.Limiter.Observe(ctx, permit, false)
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var permanent *permanentError
		if errors.As(err, &permanent) {
			return permanent.err
		}
		verdict := classify(err)
		if verdict.Throttled {
			p.Limiter.Observe(ctx, permit, true)
		}
		if !verdict.Retry || attempt >= p.MaxRetries {
			return err
		}
		wait := p.backoff(attempt)
		if verdict.After > wait {
			wait = verdict.After
		}
		logging.Debug(ctx, "retrying request", map[string]any{
			"action":     action,
			"attempt":    attempt + 1,
			"max":        p.MaxRetries,
			"wait":       wait.String(),
			"request_id": verdict.RequestID,
			"reason":     verdict.Reason,
			"throttled":  verdict.Throttled,
		})
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// Permanent marks an error of call that no retry can mend, whatever the
// client's classifier would say of the error it wraps: Do returns err at once.
func Permanent(err error) error { return &permanentError{err} }

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// backoff is "full jitter": a uniform wait in [0, min(max, base*2^attempt)].
func (p *Policy) backoff(attempt int) time.Duration {
	ceiling := p.MaxDelay
	if attempt < 30 {
		if d := p.BaseDelay << attempt; d > 0 && d < ceiling {
			ceiling = d
		}
	}
	return rand.N(ceiling + 1)
}
