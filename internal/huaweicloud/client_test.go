package huaweicloud

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

func TestClassify(t *testing.T) {
	status := func(code int, retryAfter time.Duration) error {
		return &ServiceError{ServiceResponseError: &sdkerr.ServiceResponseError{StatusCode: code, RequestId: "req-1"}, RetryAfter: retryAfter}
	}
	cases := []struct {
		name             string
		err              error
		retry, throttled bool
		after            time.Duration
	}{
		{"throttled with Retry-After", status(http.StatusTooManyRequests, 2*time.Second), true, true, 2 * time.Second},
		{"throttled, named by its code", &sdkerr.ServiceResponseError{StatusCode: http.StatusTooManyRequests, ErrorCode: "APIGW.0308"}, true, true, 0},
		{"server error", status(http.StatusBadGateway, 0), true, false, 0},
		{"undecodable 200 body", &sdkerr.ServiceResponseError{StatusCode: 200, ErrorMessage: "unexpected end of JSON input"}, true, false, 0},
		{"signature", status(http.StatusUnauthorized, 0), false, false, 0},
		{"parameter", status(http.StatusBadRequest, 0), false, false, 0},
		{"project", status(http.StatusNotFound, 0), false, false, 0},
		{"connection reset", &url.Error{Op: "Get", URL: "http://x", Err: errors.New("connection reset by peer")}, true, false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := classify(tc.err)
			if v.Retry != tc.retry || v.Throttled != tc.throttled || v.After != tc.after {
				t.Fatalf("classify = %+v, want retry %v, throttled %v, after %s", v, tc.retry, tc.throttled, tc.after)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for value, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Mon, 23 Nov 2026 12:00:05 GMT": 5 * time.Second,
		"Mon, 23 Nov 2026 11:00:00 GMT": 0,
	} {
		if got := parseRetryAfter(value, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", value, got, want)
		}
	}
}

// blockingLister answers the first page of each window, then blocks every
// other page until its context ends.
type blockingLister struct{}

func (blockingLister) ListAppWhitelistEventPage(ctx context.Context, _ Target, req *ListAppWhitelistEventRequest) (*ListAppWhitelistEventResponse, error) {
	if req.Offset == 0 {
		total := int32(5000)
		return &ListAppWhitelistEventResponse{TotalNum: &total}, nil
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestReadEventsStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := ReadEvents(ctx, blockingLister{}, Query{Begin: time.Now().Add(-30 * 24 * time.Hour), End: time.Now()}, DefaultConcurrency)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadEvents kept going after its context was cancelled")
	}
}
