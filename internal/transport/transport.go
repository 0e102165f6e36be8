// Package transport holds what both cloud clients share about HTTP: the
// endpoint rule and the transport they send through.
package transport

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// ParseEndpoint checks an endpoint setting: an absolute http or https URL with
// a host. http is allowed for local and private endpoints.
func ParseEndpoint(endpoint string) (*url.URL, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute http or https URL with a host", endpoint)
	}
	return u, nil
}

// New returns the clients' transport: a clone of the default one with
// timeouts, whose response bodies fail once they exceed maxBody bytes, so a
// runaway response gives an error instead of exhausting memory.
func New(maxBody int64) http.RoundTripper {
	base, _ := http.DefaultTransport.(*http.Transport)
	t := base.Clone()
	t.MaxIdleConnsPerHost = 32
	t.ResponseHeaderTimeout = 60 * time.Second
	return Limit(t, maxBody)
}

// Limit wraps next so that reading more than maxBody bytes of a response body fails.
func Limit(next http.RoundTripper, maxBody int64) http.RoundTripper {
	return limited{next: next, max: maxBody}
}

type limited struct {
	next http.RoundTripper
	max  int64
}

func (l limited) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{body: resp.Body, left: l.max, max: l.max}
	return resp, nil
}

type limitedBody struct {
	body      io.ReadCloser
	left, max int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One more byte tells a body of exactly max bytes from a longer one.
		var one [1]byte
		if n, _ := b.body.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("response body larger than %d bytes", b.max)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.body.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.body.Close() }
