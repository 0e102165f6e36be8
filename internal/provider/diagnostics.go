package provider

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	tcerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// maxDetail keeps an API message (which may quote a whole response body) readable.
const maxDetail = 2000

func tencentErrorSummary(action string) string {
	return "Tencent Cloud TCSS " + action + " failed"
}

// tencentErrorDetail carries the API's code, message and request id.
func tencentErrorDetail(err error) string {
	var assumeErr *tencentcloud.AssumeRoleError
	if errors.As(err, &assumeErr) {
		return assumeFailureDetail(err)
	}
	if detail, ok := networkFailure(err, "Tencent Cloud TCSS", "tencentcloud.endpoint ("+envTencentEndpoint+")"); ok {
		return detail
	}
	var sdkErr *tcerrors.TencentCloudSDKError
	if errors.As(err, &sdkErr) {
		return clip(fmt.Sprintf("code: %s\nmessage: %s\nrequest id: %s", sdkErr.Code, sdkErr.Message, orNone(sdkErr.RequestId)))
	}
	return clip(plainError(err))
}

func huaweiErrorSummary(action string) string {
	return "Huawei Cloud HSS " + action + " failed"
}

// huaweiErrorDetail carries the HTTP status, error_code, error_msg and X-Request-Id.
func huaweiErrorDetail(err error) string {
	var assumeErr *huaweicloud.AssumeAgencyError
	if errors.As(err, &assumeErr) {
		return assumeFailureDetail(err)
	}
	if detail, ok := networkFailure(err, "Huawei Cloud HSS", "huaweicloud.endpoint ("+envHuaweiEndpoint+") or huaweicloud.region"); ok {
		return detail
	}
	var se *sdkerr.ServiceResponseError
	if errors.As(err, &se) {
		return clip(fmt.Sprintf("status: %d\nerror_code: %s\nerror_msg: %s\nrequest id: %s",
			se.StatusCode, orNone(se.ErrorCode), se.ErrorMessage, orNone(se.RequestId)))
	}
	return clip(plainError(err))
}

// networkFailure explains an error that never reached the API: where the
// provider tried to connect, and why it could not, in words.
func networkFailure(err error, service, setting string) (string, bool) {
	var urlErr *url.Error
	if !errors.As(err, &urlErr) || errors.Is(err, context.Canceled) {
		return "", false
	}
	address := urlErr.URL
	if u, perr := url.Parse(urlErr.URL); perr == nil && u.Host != "" {
		address = u.Host
		if u.Port() == "" {
			address = net.JoinHostPort(u.Hostname(), map[string]string{"http": "80", "https": "443"}[u.Scheme])
		}
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	var netErr net.Error
	cause := "the connection failed"
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		cause = "connection refused: nothing accepts connections at that address"
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		cause = "no such host: the name " + dnsErr.Name + " does not resolve"
	case errors.As(err, &dnsErr):
		cause = "the name " + dnsErr.Name + " could not be resolved"
	case errors.As(err, &certErr), errors.As(err, &recordErr), strings.Contains(urlErr.Err.Error(), "tls:"):
		cause = "TLS failure: the server's certificate or TLS handshake was refused (is the endpoint http, not https?)"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		cause = "the connection was closed before an answer"
	case errors.As(err, &netErr) && netErr.Timeout():
		cause = "timed out waiting for an answer"
	}
	return clip(fmt.Sprintf("Could not reach %s at %s, after the retries (max_retries): %s. Check %s and the network.\n\ncause: %s",
		service, address, cause, setting, urlErr.Error())), true
}

// assumeFailureDetail names the assume_role settings, then gives the cloud's
// code, message and request id. Its keys are never part of it.
func assumeFailureDetail(err error) string {
	var tencentErr *tencentcloud.AssumeRoleError
	var huaweiErr *huaweicloud.AssumeAgencyError
	switch {
	case errors.As(err, &tencentErr):
		head := fmt.Sprintf("Tencent Cloud STS %s of tencentcloud.assume_role.role_arn %q failed. Check role_arn and "+
			"external_id, and that the keys of the tencentcloud block may assume the role.", tencentcloud.ActionAssumeRole, tencentErr.RoleArn)
		var sdkErr *tcerrors.TencentCloudSDKError
		if errors.As(err, &sdkErr) {
			return clip(fmt.Sprintf("%s\n\ncode: %s\nmessage: %s\nrequest id: %s", head, sdkErr.Code, sdkErr.Message, orNone(sdkErr.RequestId)))
		}
		return clip(head + "\n\n" + plainError(errors.Unwrap(err)))
	case errors.As(err, &huaweiErr):
		domain := fmt.Sprintf("domain_name %q", huaweiErr.Agency.DomainName)
		if huaweiErr.Agency.DomainID != "" {
			domain = fmt.Sprintf("domain_id %q", huaweiErr.Agency.DomainID)
		}
		head := fmt.Sprintf("Huawei Cloud IAM %s of huaweicloud.assume_role.agency_name %q (%s) failed. Check agency_name "+
			"and the domain, and that the keys of the huaweicloud block may assume the agency.",
			huaweicloud.ActionCreateTemporaryAccessKeyByAgency, huaweiErr.Agency.AgencyName, domain)
		var se *sdkerr.ServiceResponseError
		if errors.As(err, &se) {
			return clip(fmt.Sprintf("%s\n\nstatus: %d\nerror_code: %s\nerror_msg: %s\nrequest id: %s",
				head, se.StatusCode, orNone(se.ErrorCode), se.ErrorMessage, orNone(se.RequestId)))
		}
		return clip(head + "\n\n" + plainError(errors.Unwrap(err)))
	}
	return clip(plainError(err))
}

func plainError(err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return "The read was cancelled before it finished."
	case errors.Is(err, context.DeadlineExceeded):
		return "The read ran out of time before it finished."
	}
	return err.Error()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func clip(s string) string {
	if len(s) <= maxDetail {
		return s
	}
	return strings.ToValidUTF8(s[:maxDetail], "") + " …(truncated)"
}
