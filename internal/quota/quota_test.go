package quota_test

import (
	"testing"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/quota"
)

// TestModels: each model accepts a burst and a steady rate as its gateway
// would, at a quota of 10 a second.
func TestModels(t *testing.T) {
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	accepted := func(model quota.Model, times []time.Duration) int {
		c := quota.New(model, 10, start)
		n := 0
		for _, d := range times {
			if !c.Over(start.Add(d)) {
				n++
			}
		}
		return n
	}
	burst := func(at time.Duration, n int) []time.Duration {
		out := make([]time.Duration, n)
		for i := range out {
			out[i] = at + time.Duration(i)*time.Millisecond
		}
		return out
	}
	// 10 at the end of a second and 10 at the start of the next: a fixed
	// window takes all 20, a sliding window only the first 10, a bucket the
	// first 10 and what it refilled meanwhile (1 in 100 ms).
	edge := append(burst(900*time.Millisecond, 10), burst(time.Second, 10)...)
	for model, want := range map[quota.Model]int{quota.FixedWindow: 20, quota.SlidingWindow: 10, quota.TokenBucket: 11} {
		if got := accepted(model, edge); got != want {
			t.Errorf("%s: %d of a 20-request burst across a second's edge accepted, want %d", model, got, want)
		}
	}
	// A steady 10 a second for 5 seconds is within every model.
	steady := make([]time.Duration, 50)
	for i := range steady {
		steady[i] = time.Duration(i) * 100 * time.Millisecond
	}
	for _, model := range quota.Models {
		if got := accepted(model, steady); got != 50 {
			t.Errorf("%s: %d of 50 steady requests accepted", model, got)
		}
	}
	// A sliding window forgets a request 1,000 ms after it: the 11th of a
	// burst is refused, and accepted once the first is a second old.
	c := quota.New(quota.SlidingWindow, 10, start)
	for i := range 10 {
		c.Over(start.Add(time.Duration(i) * time.Millisecond))
	}
	if !c.Over(start.Add(999 * time.Millisecond)) {
		t.Error("sliding window: the 11th request within a second was accepted")
	}
	if c.Over(start.Add(1000 * time.Millisecond)) {
		t.Error("sliding window: a request a second after the first was refused")
	}
	if _, err := quota.Parse("leaky"); err == nil {
		t.Error("an unknown model parsed")
	}
}
