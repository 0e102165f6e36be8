package tencentcloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/credentials"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/retry"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/transport"
)

// STS AssumeRole, typed here as the TCSS calls are: the SDK's
// common.RoleArnProvider sends neither ExternalId nor Policy, and hides the
// error of a failed refresh.
var stsAPI = api{service: "sts", version: "2018-08-13"}

const (
	// ActionAssumeRole is the STS action that assumes a role.
	ActionAssumeRole = "AssumeRole"
	// DefaultSTSEndpoint is where AssumeRole goes unless the block says otherwise.
	DefaultSTSEndpoint = "https://sts.tencentcloudapi.com"
	// DefaultSessionDuration is the assumed keys' lifetime, in seconds.
	DefaultSessionDuration = 7200
	// stsRequestsPerSecond stays under STS's quota of 600 calls a minute.
	stsRequestsPerSecond = 10
)

// AssumeRole is the resolved assume_role block.
type AssumeRole struct {
	RoleArn, SessionName string
	SessionDuration      int64 // seconds
	ExternalID, Policy   string
	Endpoint             string // full URL; http allowed
}

type assumeRoleRequest struct {
	*tchttp.BaseRequest

	RoleArn         *string `json:"RoleArn,omitempty" name:"RoleArn"`
	RoleSessionName *string `json:"RoleSessionName,omitempty" name:"RoleSessionName"`
	DurationSeconds *uint64 `json:"DurationSeconds,omitempty" name:"DurationSeconds"`
	Policy          *string `json:"Policy,omitempty" name:"Policy"`
	ExternalId      *string `json:"ExternalId,omitempty" name:"ExternalId"`
}

type assumeRoleResponse struct {
	*tchttp.BaseResponse

	Response *struct {
		Credentials *struct {
			Token        *string `json:"Token"`
			TmpSecretId  *string `json:"TmpSecretId"`
			TmpSecretKey *string `json:"TmpSecretKey"`
		} `json:"Credentials"`
		ExpiredTime *int64  `json:"ExpiredTime"`
		Expiration  *string `json:"Expiration"`
		RequestId   *string `json:"RequestId"`
	} `json:"Response"`
}

// AssumeRoleError is an AssumeRole that failed: the role's settings, or the
// caller's right to assume it, are wrong. It is never retried as a TCSS fault.
type AssumeRoleError struct {
	RoleArn string
	Err     error
}

func (e *AssumeRoleError) Error() string {
	return fmt.Sprintf("assuming the role %q (tencentcloud.assume_role.role_arn) failed: %v", e.RoleArn, e.Err)
}

func (e *AssumeRoleError) Unwrap() error { return e.Err }

// newAssumer returns the AssumeRole call, signed with the configured keys.
func newAssumer(cfg Config, rt http.RoundTripper) (credentials.Assume, error) {
	ar := cfg.AssumeRole
	u, err := transport.ParseEndpoint(ar.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("tencentcloud.assume_role.endpoint: %w", err)
	}
	sc := newSDKClient(u, common.NewTokenCredential(cfg.SecretID, cfg.SecretKey, cfg.SecurityToken), cfg.Region, rt)
	policy := retry.NewPolicy("tencentcloud sts", stsRequestsPerSecond, cfg.MaxRetries)

	return func(ctx context.Context) (credentials.Keys, error) {
		var out credentials.Keys
		err := policy.Do(ctx, ActionAssumeRole, func(ctx context.Context) error {
			req := &assumeRoleRequest{
				BaseRequest:     &tchttp.BaseRequest{},
				RoleArn:         &ar.RoleArn,
				RoleSessionName: &ar.SessionName,
				DurationSeconds: common.Uint64Ptr(uint64(ar.SessionDuration)),
			}
			if ar.ExternalID != "" {
				req.ExternalId = &ar.ExternalID
			}
			if ar.Policy != "" {
				// STS wants the policy URL-encoded inside the JSON body.
				req.Policy = common.StringPtr(url.QueryEscape(ar.Policy))
			}
			resp := &assumeRoleResponse{BaseResponse: &tchttp.BaseResponse{}}
			if err := sendOnce(ctx, sc, stsAPI, ActionAssumeRole, req, req.BaseRequest, resp); err != nil {
				return err
			}
			r := resp.Response
			if r == nil || r.Credentials == nil || r.Credentials.TmpSecretId == nil || r.Credentials.TmpSecretKey == nil ||
				r.Credentials.Token == nil || r.ExpiredTime == nil {
				return errors.New("the AssumeRole response has no Credentials or ExpiredTime")
			}
			out = credentials.Keys{
				AccessKey: *r.Credentials.TmpSecretId,
				SecretKey: *r.Credentials.TmpSecretKey,
				Token:     *r.Credentials.Token,
				Expires:   time.Unix(*r.ExpiredTime, 0),
			}
			return nil
		}, classify)
		if err != nil {
			return credentials.Keys{}, &AssumeRoleError{RoleArn: ar.RoleArn, Err: err}
		}
		return out, nil
	}, nil
}

// liveCredential is the SDK credential of every region's client. Each
// attempt stores the keys its source handed out, and the SDK reads all three
// values at once when it signs.
type liveCredential struct {
	keys atomic.Pointer[credentials.Keys]
}

var _ common.CredentialIface = (*liveCredential)(nil)

// use stores keys unless newer ones are stored already: concurrent attempts
// may finish their look-ups out of order.
func (c *liveCredential) use(keys credentials.Keys) {
	for {
		old := c.keys.Load()
		if old != nil && (*old == keys || (!old.Expires.IsZero() && !keys.Expires.After(old.Expires))) {
			return
		}
		if c.keys.CompareAndSwap(old, &keys) {
			return
		}
	}
}

func (c *liveCredential) current() credentials.Keys {
	if k := c.keys.Load(); k != nil {
		return *k
	}
	return credentials.Keys{}
}

// GetCredential implements common.CredentialIface.
func (c *liveCredential) GetCredential() (string, string, string) {
	k := c.current()
	return k.AccessKey, k.SecretKey, k.Token
}

// GetSecretId implements common.CredentialIface.
func (c *liveCredential) GetSecretId() string { return c.current().AccessKey }

// GetSecretKey implements common.CredentialIface.
func (c *liveCredential) GetSecretKey() string { return c.current().SecretKey }

// GetToken implements common.CredentialIface.
func (c *liveCredential) GetToken() string { return c.current().Token }
