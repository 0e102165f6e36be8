package localcloud

import (
	"context"
	"math/rand/v2"
	"time"
)

// Faults are injected into one cloud's responses. Counters are per cloud and
// start at 1, so ThrottleEvery 3 throttles the 3rd, 6th, ... request.
type Faults struct {
	// Latency is added to every request, plus a uniform jitter in [0, Jitter].
	Latency, Jitter time.Duration
	// ThrottleEvery k throttles every k-th request.
	ThrottleEvery int
	// ThrottleAbove throttles requests above this many per second.
	ThrottleAbove float64
	// RetryAfter, when set, is sent with throttled HSS responses.
	RetryAfter time.Duration
	// ServerErrorEvery k answers every k-th request with a 5xx.
	ServerErrorEvery int
	// TruncateEvery k cuts every k-th response body in half.
	TruncateEvery int
	// NonJSONEvery k answers every k-th request with a 200 that is not JSON.
	NonJSONEvery int
	// DropEvery k closes the connection of every k-th request without answering.
	DropEvery int
	// InvalidParameter rejects every request as a parameter error (Tencent
	// InvalidParameterValue, Huawei 400): a permanent fault, never to be retried.
	InvalidParameter bool
	// Oversize pads every successful response with this many bytes of
	// whitespace, for responses bigger than a client should accept.
	Oversize int
	// GrowTotal adds a new newest HSS event before each HSS page is served, so
	// total_num changes between pages and offsets shift.
	GrowTotal bool
}

// SetFaults replaces the faults of a cloud; the zero Faults clears them.
func (s *Server) SetFaults(cloud Cloud, f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[cloud] = f
	s.counters[cloud] = 0
}

// fault is what happens to one request.
type fault int

const (
	faultNone fault = iota
	faultDrop
	faultThrottle
	faultServerError
	faultTruncate
	faultNonJSON
	faultInvalidParameter
)

// nextFault counts the request and picks its fault, then waits the latency.
func (s *Server) nextFault(ctx context.Context, cloud Cloud) (fault, Faults) {
	s.mu.Lock()
	s.counters[cloud]++
	n := s.counters[cloud]
	f := s.faults[cloud]
	s.mu.Unlock()

	if d := f.Latency + jitter(f.Jitter); d > 0 {
		select {
		case <-ctx.Done():
		case <-time.After(d):
		}
	}
	every := func(k int) bool { return k > 0 && n%k == 0 }
	switch {
	case f.InvalidParameter:
		return faultInvalidParameter, f
	case every(f.DropEvery):
		return faultDrop, f
	case every(f.ThrottleEvery), s.overQuota(cloud+"-fault", f.ThrottleAbove):
		return faultThrottle, f
	case every(f.ServerErrorEvery):
		return faultServerError, f
	case every(f.TruncateEvery):
		return faultTruncate, f
	case every(f.NonJSONEvery):
		return faultNonJSON, f
	}
	return faultNone, f
}

func jitter(max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return rand.N(max + 1)
}
