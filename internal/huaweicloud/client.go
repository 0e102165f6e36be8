// Package huaweicloud is the provider's client for Huawei Cloud HSS: a request
// definition built with the SDK's core (which signs it, SDK-HMAC-SHA256), paging
// and time windows, under the provider's rate limit and retry policy.
package huaweicloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/response"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/credentials"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/retry"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/transport"
)

// Defaults of the provider's huaweicloud block.
const (
	DefaultRequestsPerSecond = 10
	DefaultMaxRetries        = 5
	requestTimeout           = 60 * time.Second
	// maxResponseBytes bounds one page of 200 events; real ones are under 1 MiB.
	maxResponseBytes = 32 << 20
)

// ActionListAppWhitelistEvent is the one HSS action the provider calls.
const ActionListAppWhitelistEvent = "ListAppWhitelistEvent"

// DefaultEndpoint is the HSS endpoint of a region.
func DefaultEndpoint(region string) string {
	return "https://hss." + region + ".myhuaweicloud.com"
}

// Target says where a request goes: empty fields mean the client's defaults.
type Target struct {
	Region    string
	ProjectID string
}

// PageLister reads one page of events; the paging in ReadEvents runs on it, and
// tests and benchmarks can swap it.
type PageLister interface {
	ListAppWhitelistEventPage(ctx context.Context, target Target, req *ListAppWhitelistEventRequest) (*ListAppWhitelistEventResponse, error)
}

// Config is the resolved huaweicloud block.
type Config struct {
	AccessKey, SecretKey, SecurityToken string
	Region                              string
	ProjectID                           string
	Endpoint                            string // full URL; "" derives it from the region
	RequestsPerSecond                   float64
	MaxRetries                          int
	// AssumeRole, when set, makes every HSS call with the agency's temporary
	// keys, assumed with the keys above and refreshed before they expire.
	AssumeRole *AssumeAgency
}

// Client implements PageLister. One per provider instance: its limiter is shared by every read.
type Client struct {
	config    Config
	policy    *retry.Policy
	transport http.RoundTripper
	// keys hands out the keys of each attempt.
	keys    credentials.Source
	mu      sync.Mutex
	clients map[string]*signingClient // by endpoint and project
	// allProjects remembers whether the account refused all_granted_eps.
	allProjects AllProjects
}

// AllProjects is the client's memory of whether the account refused
// all_granted_eps: every read of one provider asks once at most.
func (c *Client) AllProjects() *AllProjects { return &c.allProjects }

// signingClient is the SDK client of an endpoint and project, with the
// credential it signs with.
type signingClient struct {
	hc         *core.HcHttpClient
	credential *liveCredential
}

var _ PageLister = (*Client)(nil)

// NewClient checks the endpoint and builds the client; no request is made.
func NewClient(cfg Config) (*Client, error) {
	if cfg.Endpoint != "" {
		if _, err := transport.ParseEndpoint(cfg.Endpoint); err != nil {
			return nil, err
		}
	}
	c := &Client{
		transport: transport.New(maxResponseBytes),
		config:    cfg,
		policy:    retry.NewPolicy("huaweicloud", cfg.RequestsPerSecond, cfg.MaxRetries),
		keys:      credentials.Static{AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey, Token: cfg.SecurityToken},
		clients:   map[string]*signingClient{},
	}
	if cfg.AssumeRole != nil {
		assume, err := newAssumer(cfg, c.transport)
		if err != nil {
			return nil, err
		}
		c.keys = credentials.NewRefreshing(assume, time.Now)
	}
	return c, nil
}

// CheckCredentials assumes the configured agency, if any, so that a wrong one
// fails the provider's configuration before any HSS request.
func (c *Client) CheckCredentials(ctx context.Context) error {
	_, err := c.keys.Get(ctx)
	return err
}

// Resolve fills a target's empty fields with the client's defaults.
func (c *Client) Resolve(t Target) Target {
	if t.Region == "" {
		t.Region = c.config.Region
	}
	if t.ProjectID == "" {
		t.ProjectID = c.config.ProjectID
	}
	return t
}

func (c *Client) endpoint(t Target) string {
	// An explicit endpoint wins unless a read overrides the region.
	if c.config.Endpoint != "" && (t.Region == "" || t.Region == c.config.Region) {
		return strings.TrimSuffix(c.config.Endpoint, "/")
	}
	return DefaultEndpoint(t.Region)
}

// hcClient returns the SDK client of an endpoint and project. The project id is
// always given, so the SDK never calls IAM to look one up.
func (c *Client) hcClient(endpoint, projectID string) (*signingClient, error) {
	key := endpoint + "\x00" + projectID
	c.mu.Lock()
	defer c.mu.Unlock()
	if sc, ok := c.clients[key]; ok {
		return sc, nil
	}
	cred := &liveCredential{projectID: projectID}
	hc, err := newHcClient(endpoint, cred, c.transport)
	if err != nil {
		return nil, fmt.Errorf("building the Huawei Cloud HSS client: %w", err)
	}
	sc := &signingClient{hc: hc, credential: cred}
	c.clients[key] = sc
	return sc, nil
}

// newHcClient is the SDK's client of one endpoint, signing with cred.
func newHcClient(endpoint string, cred auth.ICredential, rt http.RoundTripper) (*core.HcHttpClient, error) {
	return core.NewHcHttpClientBuilder().
		WithEndpoints([]string{endpoint}).
		WithCredential(cred).
		// The builder checks the credential's type by name: the SDK's, or ours that wraps it.
		WithCredentialsType("basic.Credentials,huaweicloud.liveCredential").
		WithHttpConfig(config.DefaultHttpConfig().WithTimeout(requestTimeout).WithHttpRoundTripper(rt)).
		WithErrorHandler(errorHandler{}).
		SafeBuild()
}

// requestDef is built per call: the SDK decodes into the definition's response object.
func requestDef() *def.HttpRequestDef {
	b := def.NewHttpRequestDefBuilder().
		WithMethod(http.MethodGet).
		WithPath("/v5/{project_id}/app/event").
		WithResponse(new(ListAppWhitelistEventResponse)).
		WithContentType("application/json")
	for _, f := range []struct{ name, tag string }{
		{"EnterpriseProjectID", "enterprise_project_id"},
		{"LastDays", "last_days"},
		{"BeginTime", "begin_time"},
		{"EndTime", "end_time"},
		{"HostName", "host_name"},
		{"HostIP", "host_ip"},
		{"PrivateIP", "private_ip"},
		{"HandleStatus", "handle_status"},
		{"Offset", "offset"},
		{"Limit", "limit"},
	} {
		b.WithRequestField(def.NewFieldDef().WithName(f.name).WithJsonTag(f.tag).WithLocationType(def.Query))
	}
	return b.Build()
}

// ListAppWhitelistEventPage implements PageLister: one signed request, retried
// when throttled or faulty, abandoned at once when ctx is done.
func (c *Client) ListAppWhitelistEventPage(ctx context.Context, target Target, req *ListAppWhitelistEventRequest) (*ListAppWhitelistEventResponse, error) {
	target = c.Resolve(target)
	sc, err := c.hcClient(c.endpoint(target), target.ProjectID)
	if err != nil {
		return nil, err
	}
	var out *ListAppWhitelistEventResponse
	err = c.policy.Do(ctx, ActionListAppWhitelistEvent, func(ctx context.Context) error {
		keys, err := c.keys.Get(ctx) // assumed keys are refreshed here, before they expire
		if err != nil {
			return retry.Permanent(err) // the assume call had its own retries
		}
		if err := sc.credential.use(keys); err != nil {
			return retry.Permanent(err)
		}
		resp, err := syncWithContext[*ListAppWhitelistEventResponse](ctx, sc.hc, req, requestDef())
		if err != nil {
			return err
		}
		out = resp
		return nil
	}, classify)
	return out, err
}

// syncWithContext runs the SDK's Sync, which takes no context, and stops
// waiting when ctx is done. The abandoned call ends by the HTTP timeout.
func syncWithContext[R any](ctx context.Context, hc *core.HcHttpClient, req any, reqDef *def.HttpRequestDef) (R, error) {
	type result struct {
		resp any
		err  error
	}
	var zero R
	done := make(chan result, 1)
	go func() {
		resp, err := hc.Sync(req, reqDef)
		done <- result{resp, err}
	}()
	select {
	case <-ctx.Done():
		return zero, ctx.Err()
	case r := <-done:
		if r.err != nil {
			return zero, r.err
		}
		resp, ok := r.resp.(R)
		if !ok {
			return zero, fmt.Errorf("unexpected response type %T", r.resp)
		}
		return resp, nil
	}
}

// ServiceError is an error response of HSS: the SDK's error plus the
// Retry-After the gateway sent, if any.
type ServiceError struct {
	*sdkerr.ServiceResponseError
	RetryAfter time.Duration
}

func (e *ServiceError) Unwrap() error { return e.ServiceResponseError }

type errorHandler struct{}

func (errorHandler) HandleError(_ *request.DefaultHttpRequest, resp *response.DefaultHttpResponse) error {
	if resp.GetStatusCode() < 400 {
		return nil
	}
	retryAfter := resp.GetHeader("Retry-After")
	return &ServiceError{
		ServiceResponseError: sdkerr.NewServiceResponseError(resp.Response),
		RetryAfter:           parseRetryAfter(retryAfter, time.Now()),
	}
}

// parseRetryAfter reads delay-seconds or an HTTP date; anything else is zero.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// classify retries throttling (429, APIGW.0308), server faults (5xx), connection errors and
// truncated or undecodable bodies; never authentication or parameter errors.
func classify(err error) retry.Verdict {
	var se *sdkerr.ServiceResponseError
	if errors.As(err, &se) {
		v := retry.Verdict{RequestID: se.RequestId, Reason: fmt.Sprintf("HTTP %d %s", se.StatusCode, se.ErrorCode)}
		var withHeader *ServiceError
		if errors.As(err, &withHeader) {
			v.After = withHeader.RetryAfter
		}
		// Status 200 here means the body could not be decoded: truncated in transit.
		v.Throttled = se.StatusCode == http.StatusTooManyRequests || se.ErrorCode == "APIGW.0308"
		v.Retry = v.Throttled || se.StatusCode >= 500 || se.StatusCode < 300
		return v
	}
	var credErr *sdkerr.CredentialsTypeError
	if errors.As(err, &credErr) {
		return retry.Verdict{}
	}
	// Connection refused or reset, timeouts, a body cut short.
	return retry.Verdict{Retry: true, Reason: err.Error()}
}
