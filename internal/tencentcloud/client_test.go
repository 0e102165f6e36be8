package tencentcloud

import (
	"errors"
	"testing"

	tcerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

func TestClassify(t *testing.T) {
	for code, retry := range map[string]bool{
		"RequestLimitExceeded":                  true,
		"RequestLimitExceeded.UinLimitExceeded": true,
		"InternalError":                         true,
		"ClientError.NetworkError":              true,
		"ClientError.ParseJsonError":            true,
		"AuthFailure.SignatureFailure":          false,
		"AuthFailure.SecretIdNotFound":          false,
		"InvalidParameterValue":                 false,
		"ResourceNotFound":                      false,
	} {
		if got := classify(tcerrors.NewTencentCloudSDKError(code, "m", "req")).Retry; got != retry {
			t.Errorf("%s: retry %v, want %v", code, got, retry)
		}
	}
	status := func(s string) error {
		return tcerrors.NewTencentCloudSDKError("ClientError.HttpStatusCodeError", "Request fail with http status code: "+s+", with body: x", "")
	}
	for s, retry := range map[string]bool{"503 Service Unavailable": true, "429 Too Many Requests": true, "403 Forbidden": false} {
		if got := classify(status(s)).Retry; got != retry {
			t.Errorf("HTTP %s: retry %v, want %v", s, got, retry)
		}
	}
	if classify(errors.New("not an SDK error")).Retry {
		t.Error("an unknown error was retried")
	}
}
