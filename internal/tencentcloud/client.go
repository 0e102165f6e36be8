// Package tencentcloud is the provider's client for Tencent Cloud TCSS: typed
// requests sent through the SDK's common client, which signs them (TC3-HMAC-SHA256),
// under the provider's rate limit and retry policy.
package tencentcloud

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/credentials"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/retry"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/transport"
)

// Defaults of the provider's tencentcloud block.
const (
	DefaultRegion            = "ap-guangzhou"
	DefaultEndpoint          = "https://tcss.tencentcloudapi.com"
	DefaultRequestsPerSecond = 20
	DefaultMaxRetries        = 5
	requestTimeout           = 60 * time.Second
	// maxResponseBytes bounds one event's response; real ones are a few KiB.
	maxResponseBytes = 4 << 20
)

// API is what the data sources need from TCSS; tests can swap it.
type API interface {
	// DescribeAbnormalProcessDetail reads one event; region "" means the client's default.
	DescribeAbnormalProcessDetail(ctx context.Context, region, eventID string) (*DescribeAbnormalProcessDetailResponseParams, error)
	// DescribeAbnormalProcessEvents reads one page of the event list.
	DescribeAbnormalProcessEvents(ctx context.Context, region string, page DescribeAbnormalProcessEventsRequest) (*DescribeAbnormalProcessEventsResponseParams, error)
	// Region is the region used when a read names none.
	Region() string
}

// Config is the resolved tencentcloud block.
type Config struct {
	SecretID, SecretKey, SecurityToken string
	Region                             string
	Endpoint                           string // full URL; http allowed
	RequestsPerSecond                  float64
	MaxRetries                         int
	// AssumeRole, when set, makes every TCSS call with the role's temporary
	// keys, assumed with the keys above and refreshed before they expire.
	AssumeRole *AssumeRole
}

// Client implements API. One per provider instance: its limiter is shared by every read.
type Client struct {
	config    Config
	endpoint  *url.URL
	policy    *retry.Policy
	transport http.RoundTripper
	// keys hands out the keys of each attempt, which credential passes to the SDK.
	keys       credentials.Source
	credential *liveCredential
	mu         sync.Mutex
	regions    map[string]*common.Client
}

var _ API = (*Client)(nil)

// NewClient checks the endpoint and builds the client; no request is made.
func NewClient(cfg Config) (*Client, error) {
	u, err := transport.ParseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	c := &Client{
		transport:  transport.New(maxResponseBytes),
		config:     cfg,
		endpoint:   u,
		policy:     retry.NewPolicy("tencentcloud", cfg.RequestsPerSecond, cfg.MaxRetries),
		keys:       credentials.Static{AccessKey: cfg.SecretID, SecretKey: cfg.SecretKey, Token: cfg.SecurityToken},
		credential: &liveCredential{},
		regions:    map[string]*common.Client{},
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

// CheckCredentials assumes the configured role, if any, so that a wrong one
// fails the provider's configuration before any TCSS request.
func (c *Client) CheckCredentials(ctx context.Context) error {
	_, err := c.keys.Get(ctx)
	return err
}

// Region implements API.
func (c *Client) Region() string { return c.config.Region }

// sdkClient returns the SDK client of a region: the SDK binds the region to the client.
func (c *Client) sdkClient(region string) *common.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sc, ok := c.regions[region]; ok {
		return sc
	}
	sc := newSDKClient(c.endpoint, c.credential, region, c.transport)
	c.regions[region] = sc
	return sc
}

// DescribeAbnormalProcessDetail implements API.
func (c *Client) DescribeAbnormalProcessDetail(ctx context.Context, region, eventID string) (*DescribeAbnormalProcessDetailResponseParams, error) {
	var out *DescribeAbnormalProcessDetailResponseParams
	err := c.send(ctx, region, ActionDescribeAbnormalProcessDetail, func(sc *common.Client) (bool, error) {
		req := &DescribeAbnormalProcessDetailRequest{BaseRequest: &tchttp.BaseRequest{}, EventId: &eventID}
		resp := &DescribeAbnormalProcessDetailResponse{BaseResponse: &tchttp.BaseResponse{}}
		err := sendOnce(ctx, sc, tcssAPI, ActionDescribeAbnormalProcessDetail, req, req.BaseRequest, resp)
		out = resp.Response
		return out != nil, err
	})
	return out, err
}

// DescribeAbnormalProcessEvents implements API.
func (c *Client) DescribeAbnormalProcessEvents(ctx context.Context, region string, page DescribeAbnormalProcessEventsRequest) (*DescribeAbnormalProcessEventsResponseParams, error) {
	var out *DescribeAbnormalProcessEventsResponseParams
	err := c.send(ctx, region, ActionDescribeAbnormalProcessEvents, func(sc *common.Client) (bool, error) {
		req := page // a fresh request per attempt: the SDK stamps each one
		req.BaseRequest = &tchttp.BaseRequest{}
		resp := &DescribeAbnormalProcessEventsResponse{BaseResponse: &tchttp.BaseResponse{}}
		err := sendOnce(ctx, sc, tcssAPI, ActionDescribeAbnormalProcessEvents, &req, req.BaseRequest, resp)
		out = resp.Response
		return out != nil, err
	})
	return out, err
}

// send runs attempt under the rate limit and retry policy, with the SDK
// client of region ("" is the client's default). attempt reports whether the
// response had its Response object.
func (c *Client) send(ctx context.Context, region, action string, attempt func(*common.Client) (bool, error)) error {
	if region == "" {
		region = c.config.Region
	}
	sc := c.sdkClient(region)
	return c.policy.Do(ctx, action, func(context.Context) error {
		keys, err := c.keys.Get(ctx) // assumed keys are refreshed here, before they expire
		if err != nil {
			return retry.Permanent(err) // the assume call had its own retries
		}
		c.credential.use(keys)
		ok, err := attempt(sc)
		if err == nil && !ok {
			return tcerrors.NewTencentCloudSDKError("ClientError.ParseJsonError", "the response has no Response object", "")
		}
		return err
	}, classify)
}

// newSDKClient is the SDK's common client for a full endpoint URL.
func newSDKClient(endpoint *url.URL, cred common.CredentialIface, region string, rt http.RoundTripper) *common.Client {
	cp := profile.NewClientProfile()
	cp.HttpProfile.Endpoint = endpoint.Host + strings.TrimSuffix(endpoint.Path, "/") // host[:port][/path]
	cp.HttpProfile.Scheme = strings.ToUpper(endpoint.Scheme)
	cp.HttpProfile.ReqTimeout = int(requestTimeout / time.Second)
	// The provider owns retries and the rate limit; the SDK's own sleep ignores both.
	cp.RateLimitExceededMaxRetries = 0
	cp.NetworkFailureMaxRetries = 0
	// The region breaker would switch to a backup host of Tencent's: never wanted
	// with an explicit endpoint.
	cp.DisableRegionBreaker = true
	sc := common.NewCommonClient(cred, region, cp)
	sc.WithHttpTransport(rt)
	return sc
}

// api is a Tencent Cloud service and its API version.
type api struct{ service, version string }

// sendOnce signs and sends one typed request.
func sendOnce(ctx context.Context, sc *common.Client, api api, action string, req tchttp.Request, base *tchttp.BaseRequest, resp tchttp.Response) error {
	base.Init().WithApiInfo(api.service, api.version, action)
	base.SetContext(ctx)
	return sc.Send(req, resp)
}

var httpStatusInMessage = regexp.MustCompile(`http status code: (\d{3})`)

// classify retries throttling and transient faults, never authentication or parameter errors.
func classify(err error) retry.Verdict {
	var sdkErr *tcerrors.TencentCloudSDKError
	if !errors.As(err, &sdkErr) {
		return retry.Verdict{}
	}
	v := retry.Verdict{RequestID: sdkErr.RequestId, Reason: sdkErr.Code}
	switch {
	case strings.HasPrefix(sdkErr.Code, "RequestLimitExceeded"):
		v.Retry, v.Throttled = true, true
	case strings.HasPrefix(sdkErr.Code, "InternalError"),
		sdkErr.Code == "ClientError.NetworkError",
		// A truncated or non-JSON body (a gateway's HTML error page, a dropped
		// connection mid-body) is a transient fault of the transport.
		sdkErr.Code == "ClientError.IOError",
		sdkErr.Code == "ClientError.ParseJsonError":
		v.Retry = true
	case sdkErr.Code == "ClientError.HttpStatusCodeError":
		if m := httpStatusInMessage.FindStringSubmatch(sdkErr.Message); m != nil {
			status, _ := strconv.Atoi(m[1])
			v.Throttled = status == http.StatusTooManyRequests
			v.Retry = status >= 500 || v.Throttled
		}
	}
	return v
}

// IsNotFound reports whether the API said the object does not exist.
func IsNotFound(err error) bool {
	var sdkErr *tcerrors.TencentCloudSDKError
	return errors.As(err, &sdkErr) && strings.HasPrefix(sdkErr.Code, "ResourceNotFound")
}
