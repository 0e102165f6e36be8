package huaweicloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/impl"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/credentials"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/retry"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/transport"
)

// IAM v3 CreateTemporaryAccessKeyByAgency, sent through a request definition
// of the provider's own: the SDK's global credentials would first call IAM
// to look up a domain id.
const (
	// ActionCreateTemporaryAccessKeyByAgency assumes an agency.
	ActionCreateTemporaryAccessKeyByAgency = "CreateTemporaryAccessKeyByAgency"
	// DefaultIAMEndpoint is where the agency is assumed unless the block says otherwise.
	DefaultIAMEndpoint = "https://iam.myhuaweicloud.com"
	// DefaultAgencyDuration is the assumed keys' lifetime, in seconds.
	DefaultAgencyDuration = 3600
	iamRequestsPerSecond  = 10
)

// AssumeAgency is the resolved assume_role block: exactly one of DomainName
// and DomainID is set.
type AssumeAgency struct {
	AgencyName           string
	DomainName, DomainID string
	Duration             int64 // seconds
	Endpoint             string
}

type agencyKeysRequest struct {
	Body *agencyKeysBody `json:"body,omitempty"`
}

type agencyKeysBody struct {
	Auth struct {
		Identity struct {
			Methods    []string `json:"methods"`
			AssumeRole struct {
				AgencyName      string `json:"agency_name"`
				DomainName      string `json:"domain_name,omitempty"`
				DomainID        string `json:"domain_id,omitempty"`
				DurationSeconds int64  `json:"duration_seconds"`
			} `json:"assume_role"`
		} `json:"identity"`
	} `json:"auth"`
}

type agencyKeysResponse struct {
	Credential *struct {
		Access        string `json:"access"`
		Secret        string `json:"secret"`
		SecurityToken string `json:"securitytoken"`
		ExpiresAt     string `json:"expires_at"`
	} `json:"credential,omitempty"`
	HttpStatusCode int `json:"-"`
}

func agencyKeysRequestDef() *def.HttpRequestDef {
	return def.NewHttpRequestDefBuilder().
		WithMethod(http.MethodPost).
		WithPath("/v3.0/OS-CREDENTIAL/securitytokens").
		WithResponse(new(agencyKeysResponse)).
		WithContentType("application/json;charset=UTF-8").
		WithRequestField(def.NewFieldDef().WithName("Body").WithLocationType(def.Body)).
		Build()
}

// AssumeAgencyError is an agency that could not be assumed: its settings, or
// the caller's right to assume it, are wrong. It is never retried as an HSS fault.
type AssumeAgencyError struct {
	Agency AssumeAgency
	Err    error
}

func (e *AssumeAgencyError) Error() string {
	domain := "domain_name " + e.Agency.DomainName
	if e.Agency.DomainID != "" {
		domain = "domain_id " + e.Agency.DomainID
	}
	return fmt.Sprintf("assuming the agency %q (huaweicloud.assume_role.agency_name) of %s failed: %v", e.Agency.AgencyName, domain, e.Err)
}

func (e *AssumeAgencyError) Unwrap() error { return e.Err }

// newAssumer returns the agency call, signed with the configured keys.
func newAssumer(cfg Config, rt http.RoundTripper) (credentials.Assume, error) {
	agency := *cfg.AssumeRole
	if _, err := transport.ParseEndpoint(agency.Endpoint); err != nil {
		return nil, fmt.Errorf("huaweicloud.assume_role.endpoint: %w", err)
	}
	cred, err := basic.NewCredentialsBuilder().
		WithAk(cfg.AccessKey).
		WithSk(cfg.SecretKey).
		WithSecurityToken(cfg.SecurityToken).
		SafeBuild()
	if err != nil {
		return nil, fmt.Errorf("building Huawei Cloud credentials: %w", err)
	}
	hc, err := newHcClient(strings.TrimSuffix(agency.Endpoint, "/"), cred, rt)
	if err != nil {
		return nil, fmt.Errorf("building the Huawei Cloud IAM client: %w", err)
	}
	policy := retry.NewPolicy("huaweicloud iam", iamRequestsPerSecond, cfg.MaxRetries)

	return func(ctx context.Context) (credentials.Keys, error) {
		body := &agencyKeysBody{}
		body.Auth.Identity.Methods = []string{"assume_role"}
		body.Auth.Identity.AssumeRole.AgencyName = agency.AgencyName
		body.Auth.Identity.AssumeRole.DomainName = agency.DomainName
		body.Auth.Identity.AssumeRole.DomainID = agency.DomainID
		body.Auth.Identity.AssumeRole.DurationSeconds = agency.Duration
		var out credentials.Keys
		err := policy.Do(ctx, ActionCreateTemporaryAccessKeyByAgency, func(ctx context.Context) error {
			resp, err := syncWithContext[*agencyKeysResponse](ctx, hc, &agencyKeysRequest{Body: body}, agencyKeysRequestDef())
			if err != nil {
				return err
			}
			c := resp.Credential
			if c == nil || c.Access == "" || c.Secret == "" || c.SecurityToken == "" {
				return errors.New("the response has no credential")
			}
			expires, err := time.Parse(time.RFC3339Nano, c.ExpiresAt)
			if err != nil {
				return fmt.Errorf("the credential's expires_at %q is not a time: %w", c.ExpiresAt, err)
			}
			out = credentials.Keys{AccessKey: c.Access, SecretKey: c.Secret, Token: c.SecurityToken, Expires: expires}
			return nil
		}, classify)
		if err != nil {
			return credentials.Keys{}, &AssumeAgencyError{Agency: agency, Err: err}
		}
		return out, nil
	}, nil
}

// liveCredential signs with the keys its client's source handed out last,
// through the SDK's own basic credentials.
type liveCredential struct {
	projectID string
	current   atomic.Pointer[signingKeys]
}

type signingKeys struct {
	keys  credentials.Keys
	basic *auth.BasicCredentials
}

var _ auth.ICredential = (*liveCredential)(nil)

// use signs with keys from now on, unless newer ones are in use already.
func (c *liveCredential) use(keys credentials.Keys) error {
	for {
		old := c.current.Load()
		if old != nil && (old.keys == keys || (!old.keys.Expires.IsZero() && !keys.Expires.After(old.keys.Expires))) {
			return nil
		}
		b, err := basic.NewCredentialsBuilder().
			WithAk(keys.AccessKey).
			WithSk(keys.SecretKey).
			WithSecurityToken(keys.Token).
			WithProjectId(c.projectID).
			SafeBuild()
		if err != nil {
			return fmt.Errorf("building Huawei Cloud credentials: %w", err)
		}
		if c.current.CompareAndSwap(old, &signingKeys{keys: keys, basic: b}) {
			return nil
		}
	}
}

// ProcessAuthParams implements auth.ICredential: the project id is always
// given, so there is nothing to look up.
func (c *liveCredential) ProcessAuthParams(*impl.DefaultHttpClient, string) (auth.ICredential, error) {
	return c, nil
}

// ProcessAuthRequest implements auth.ICredential.
func (c *liveCredential) ProcessAuthRequest(client *impl.DefaultHttpClient, req *request.DefaultHttpRequest) (*request.DefaultHttpRequest, error) {
	k := c.current.Load()
	if k == nil {
		return nil, errors.New("no credentials to sign with")
	}
	return k.basic.ProcessAuthRequest(client, req)
}
