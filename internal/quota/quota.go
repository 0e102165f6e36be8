// Package quota counts requests against a per-second quota the ways API
// gateways do. The local cloud enforces its quotas with it, and the rate
// limiter's simulation runs against the same counters, so both see one
// definition of each.
package quota

import (
	"fmt"
	"time"
)

// Model is how a gateway counts a quota of q requests a second.
type Model string

const (
	// FixedWindow counts every request per wall-clock second: a client can
	// send q at the end of one second and q more at the start of the next.
	FixedWindow Model = "fixed-window"
	// SlidingWindow counts the requests accepted in the last 1,000 ms: a
	// burst is remembered for a whole second.
	SlidingWindow Model = "sliding-window"
	// TokenBucket refills q tokens a second and holds at most q: a burst of
	// q, then q a second.
	TokenBucket Model = "token-bucket"
)

// Models are the three, in the order the docs list them.
var Models = []Model{FixedWindow, SlidingWindow, TokenBucket}

// Parse reads a model's name; "" is FixedWindow.
func Parse(s string) (Model, error) {
	if s == "" {
		return FixedWindow, nil
	}
	for _, m := range Models {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("a quota model is %s, %s or %s, not %q", FixedWindow, SlidingWindow, TokenBucket, s)
}

// Counter decides, request by request, whether a quota is exceeded. It is
// not safe for concurrent use: its owner serializes the calls.
type Counter struct {
	model Model
	q     float64

	// FixedWindow
	second int64
	count  int
	// SlidingWindow: the accepted requests of the last second, oldest first.
	times []time.Time
	// TokenBucket
	tokens float64
	filled time.Time
}

// New counts a quota of perSecond requests a second from start.
func New(model Model, perSecond float64, start time.Time) *Counter {
	return &Counter{model: model, q: perSecond, second: -1, tokens: perSecond, filled: start}
}

// Over counts a request at t and says whether it is over the quota (the
// gateway refuses it).
func (c *Counter) Over(t time.Time) bool {
	switch c.model {
	case SlidingWindow:
		cut := 0
		for cut < len(c.times) && !c.times[cut].After(t.Add(-time.Second)) {
			cut++
		}
		c.times = c.times[cut:]
		if float64(len(c.times)) >= c.q {
			return true
		}
		c.times = append(c.times, t)
		return false
	case TokenBucket:
		if t.After(c.filled) {
			c.tokens = min(c.q, c.tokens+t.Sub(c.filled).Seconds()*c.q)
			c.filled = t
		}
		if c.tokens < 1 {
			return true
		}
		c.tokens--
		return false
	}
	if s := t.Unix(); s != c.second {
		c.second, c.count = s, 0
	}
	c.count++
	return float64(c.count) > c.q
}
