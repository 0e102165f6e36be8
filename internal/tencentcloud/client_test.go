package tencentcloud

import (
	"errors"
	"testing"

	tcerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

func TestClassify(t *testing.T) {
	type want struct{ retry, throttled bool }
	for code, w := range map[string]want{
		"RequestLimitExceeded":                  {true, true},
		"RequestLimitExceeded.UinLimitExceeded": {true, true},
		"InternalError":                         {true, false},
		"ClientError.NetworkError":              {true, false},
		"ClientError.ParseJsonError":            {true, false},
		"AuthFailure.SignatureFailure":          {false, false},
		"AuthFailure.SecretIdNotFound":          {false, false},
		"InvalidParameterValue":                 {false, false},
		"ResourceNotFound":                      {false, false},
	} {
		if v := classify(tcerrors.NewTencentCloudSDKError(code, "m", "req")); v.Retry != w.retry || v.Throttled != w.throttled {
			t.Errorf("%s: %+v, want retry %v, throttled %v", code, v, w.retry, w.throttled)
		}
	}
	status := func(s string) error {
		return tcerrors.NewTencentCloudSDKError("ClientError.HttpStatusCodeError", "Request fail with http status code: "+s+", with body: x", "")
	}
	for s, w := range map[string]want{"503 Service Unavailable": {true, false}, "429 Too Many Requests": {true, true}, "403 Forbidden": {false, false}} {
		if v := classify(status(s)); v.Retry != w.retry || v.Throttled != w.throttled {
			t.Errorf("HTTP %s: %+v, want retry %v, throttled %v", s, v, w.retry, w.throttled)
		}
	}
	if classify(errors.New("not an SDK error")).Retry {
		t.Error("an unknown error was retried")
	}
}
