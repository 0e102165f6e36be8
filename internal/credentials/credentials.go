// Package credentials holds temporary credentials assumed for another
// account (Tencent STS AssumeRole, Huawei IAM agency): assumed once, shared
// by every read of a provider instance, and assumed again well before they
// expire, so that no long read or for_each meets an expired key. A refresh
// that fails fails the reads that need it; expired keys are never reused.
package credentials

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
)

// Keys sign requests: an access key (Tencent's secret id), its secret, and
// the security token that temporary keys carry.
type Keys struct {
	AccessKey, SecretKey, Token string
	// Expires is zero for keys that do not expire.
	Expires time.Time
}

// Source hands out the keys to sign the next request with.
type Source interface {
	Get(ctx context.Context) (Keys, error)
}

// Static is a Source of the configured keys, when no role is assumed.
type Static Keys

// Get implements Source.
func (s Static) Get(context.Context) (Keys, error) { return Keys(s), nil }

// Assume calls the cloud to assume the role or agency.
type Assume func(ctx context.Context) (Keys, error)

// Refreshing hands out valid temporary credentials.
type Refreshing struct {
	assume Assume
	now    func() time.Time

	mu      sync.Mutex
	current Keys
	issued  time.Time
}

// NewRefreshing assumes on first use; now is the clock (time.Now in use).
func NewRefreshing(assume Assume, now func() time.Time) *Refreshing {
	if now == nil {
		now = time.Now
	}
	return &Refreshing{assume: assume, now: now}
}

// minRemaining is the least time a credential handed out has left: enough
// for a request signed with it to be retried and answered.
const minRemaining = 2 * time.Minute

// ErrExpiredCredentials is returned when the cloud hands out credentials
// that would expire before they could be used.
var ErrExpiredCredentials = errors.New("the assumed credentials expire before they can be used")

// Get returns credentials that stay valid for a while, assuming again once a
// third of their lifetime remains (or less than minRemaining). Concurrent
// callers wait for one assume call.
func (r *Refreshing) Get(ctx context.Context) (Keys, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if !r.current.Expires.IsZero() && now.Before(r.refreshAt()) {
		return r.current, nil
	}
	t, err := r.assume(ctx)
	if err != nil {
		return Keys{}, err
	}
	if !t.Expires.After(now) {
		return Keys{}, ErrExpiredCredentials
	}
	r.current, r.issued = t, now
	logging.Debug(ctx, "assumed temporary credentials", map[string]any{
		"expires": t.Expires.UTC().Format(time.RFC3339), "refresh_at": r.refreshAt().UTC().Format(time.RFC3339),
	})
	return t, nil
}

// refreshAt is when the current credentials are assumed again: once a third
// of their lifetime remains, and at least minRemaining before they expire
// when they live long enough for that.
func (r *Refreshing) refreshAt() time.Time {
	lifetime := r.current.Expires.Sub(r.issued)
	margin := lifetime / 3
	if lifetime > 3*minRemaining {
		margin = max(margin, minRemaining)
	}
	return r.current.Expires.Add(-margin)
}
