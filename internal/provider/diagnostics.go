package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	tcerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

// maxDetail keeps an API message (which may quote a whole response body) readable.
const maxDetail = 2000

func tencentErrorSummary(action string) string {
	return "Tencent Cloud TCSS " + action + " failed"
}

// tencentErrorDetail carries the API's code, message and request id.
func tencentErrorDetail(err error) string {
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
	var se *sdkerr.ServiceResponseError
	if errors.As(err, &se) {
		return clip(fmt.Sprintf("status: %d\nerror_code: %s\nerror_msg: %s\nrequest id: %s",
			se.StatusCode, orNone(se.ErrorCode), se.ErrorMessage, orNone(se.RequestId)))
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
