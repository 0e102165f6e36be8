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

// SharedQuotaRetries is how many throttled retries a request may take per
// max_retries without counting them, while the quota is shared rather than
// spent (see Do): 4, so the default 5 allows 20 more.
const SharedQuotaRetries = 4

// Do runs call under the limiter, retrying while classify says so and attempts
// remain. Every attempt waits for the limiter, and tells it whether the cloud
// throttled it. It returns the last error, or the context's error once ctx is done.
//
// A throttled answer does not count against MaxRetries when the cloud
// accepted another of this provider's requests since the request's last
// attempt, up to SharedQuotaRetries·MaxRetries such retries a request: the
// quota is being shared with other runs, not spent, and the limiter is
// finding this run's share. Counting those answers failed reads where runs
// share a quota at a request or two a second each (5 runs sharing 5/s: a
// request is refused 6 times in a row about once in 10,000). Throttling
// while nothing gets through still counts, so a spent quota fails in
// seconds, and max_retries = 0 still means no retry at all.
func (p *Policy) Do(ctx context.Context, action string, call func(context.Context) error, classify func(error) Verdict) error {
	counted, shared := 0, 0
	accepted := p.Limiter.Accepted()
	for {
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
		if !verdict.Retry {
			return err
		}
		level := counted
		now := p.Limiter.Accepted()
		sharing := verdict.Throttled && now > accepted && shared < SharedQuotaRetries*p.MaxRetries
		accepted = now
		if sharing {
			shared++
		} else {
			if counted >= p.MaxRetries {
				return err
			}
			counted++
		}
		wait := p.backoff(level)
		if verdict.After > wait {
			wait = verdict.After
		}
		logging.Debug(ctx, "retrying request", map[string]any{
			"action":       action,
			"attempt":      counted,
			"max":          p.MaxRetries,
			"shared_quota": sharing,
			"wait":         wait.String(),
			"request_id":   verdict.RequestID,
			"reason":       verdict.Reason,
			"throttled":    verdict.Throttled,
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
