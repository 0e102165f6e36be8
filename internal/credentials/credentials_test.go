package credentials

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// fakeCloud hands out credentials living `lifetime` on a fake clock.
type fakeCloud struct {
	mu       sync.Mutex
	now      time.Time
	lifetime time.Duration
	calls    int
	fail     error
}

func (c *fakeCloud) clock() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeCloud) advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func (c *fakeCloud) assume(context.Context) (Keys, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.fail != nil {
		return Keys{}, c.fail
	}
	return Keys{AccessKey: "ak", SecretKey: "sk", Token: string(rune('a' + c.calls)), Expires: c.now.Add(c.lifetime)}, nil
}

func TestRefreshTiming(t *testing.T) {
	for _, tc := range []struct {
		lifetime      time.Duration
		reuseUntil    time.Duration // still the first credentials at this age
		refreshedFrom time.Duration // new credentials from this age on
	}{
		{2 * time.Hour, 80*time.Minute - time.Second, 80 * time.Minute}, // a third of 2 h before expiry
		{15 * time.Minute, 10*time.Minute - time.Second, 10 * time.Minute},
		{5 * time.Minute, 200*time.Second - time.Second, 200 * time.Second}, // short-lived: still a third
		{30 * time.Second, 20*time.Second - time.Second, 20 * time.Second},  // as the local cloud issues in tests
	} {
		cloud := &fakeCloud{now: time.Unix(1_800_000_000, 0), lifetime: tc.lifetime}
		r := NewRefreshing(cloud.assume, cloud.clock)
		first, err := r.Get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		cloud.advance(tc.reuseUntil)
		if got, _ := r.Get(context.Background()); got != first || cloud.calls != 1 {
			t.Errorf("lifetime %v, age %v: assumed again (%d calls)", tc.lifetime, tc.reuseUntil, cloud.calls)
		}
		cloud.advance(tc.refreshedFrom - tc.reuseUntil)
		got, err := r.Get(context.Background())
		if err != nil || got == first || cloud.calls != 2 {
			t.Errorf("lifetime %v, age %v: not refreshed (%d calls, %v)", tc.lifetime, tc.refreshedFrom, cloud.calls, err)
		}
		if remaining := got.Expires.Sub(cloud.clock()); remaining != tc.lifetime {
			t.Errorf("lifetime %v: the refreshed credentials have %v left", tc.lifetime, remaining)
		}
	}
}

func TestRefreshFailureIsNeverHidden(t *testing.T) {
	cloud := &fakeCloud{now: time.Unix(1_800_000_000, 0), lifetime: time.Hour}
	r := NewRefreshing(cloud.assume, cloud.clock)
	if _, err := r.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("AssumeRole refused")
	cloud.fail = refused
	cloud.advance(50 * time.Minute) // inside the refresh margin
	if _, err := r.Get(context.Background()); !errors.Is(err, refused) {
		t.Fatalf("a failed refresh returned %v", err)
	}
	cloud.advance(time.Hour) // expired
	if _, err := r.Get(context.Background()); !errors.Is(err, refused) {
		t.Fatalf("expired credentials were handed out: %v", err)
	}
	cloud.fail = nil
	if got, err := r.Get(context.Background()); err != nil || !got.Expires.After(cloud.clock()) {
		t.Fatalf("no recovery after the cloud came back: %v", err)
	}
}

func TestAlreadyExpiredCredentialsAreRefused(t *testing.T) {
	cloud := &fakeCloud{now: time.Unix(1_800_000_000, 0), lifetime: -time.Second}
	if _, err := NewRefreshing(cloud.assume, cloud.clock).Get(context.Background()); !errors.Is(err, ErrExpiredCredentials) {
		t.Fatalf("err = %v", err)
	}
}

func TestConcurrentReadsShareOneAssume(t *testing.T) {
	cloud := &fakeCloud{now: time.Unix(1_800_000_000, 0), lifetime: time.Hour}
	r := NewRefreshing(cloud.assume, cloud.clock)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { _, _ = r.Get(context.Background()) })
	}
	wg.Wait()
	if cloud.calls != 1 {
		t.Fatalf("%d assume calls for 50 concurrent reads", cloud.calls)
	}
}
