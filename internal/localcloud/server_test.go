package localcloud_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	tcerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/quota"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

func tencentClient(t *testing.T, srv *localcloud.Server, secretKey string) *tencentcloud.Client {
	t.Helper()
	c, err := tencentcloud.NewClient(tencentcloud.Config{
		SecretID: localcloud.TencentSecretID, SecretKey: secretKey, Region: "ap-guangzhou",
		Endpoint: srv.URL(), RequestsPerSecond: 100, MaxRetries: 0,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func huaweiClient(t *testing.T, srv *localcloud.Server, secretKey, projectID string) *huaweicloud.Client {
	t.Helper()
	c, err := huaweicloud.NewClient(huaweicloud.Config{
		AccessKey: localcloud.HuaweiAccessKey, SecretKey: secretKey, Region: "cn-north-4", ProjectID: projectID,
		Endpoint: srv.URL(), RequestsPerSecond: 100, MaxRetries: 0,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTencentSignedBySDK(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: 3})
	ctx := context.Background()

	got, err := tencentClient(t, srv, localcloud.TencentSecretKey).DescribeAbnormalProcessDetail(ctx, "", localcloud.TCSSReferenceEventID)
	if err != nil {
		t.Fatalf("reference event: %v", err)
	}
	if *got.ProcessInfo.ProcessId != 2907621 || *got.EventDetail.MatchRule.RuleLevel != "HIGH" || *got.EventBaseInfo.EventCount != 2 {
		t.Errorf("reference event decoded wrong: %+v", got.ProcessInfo)
	}

	_, err = tencentClient(t, srv, localcloud.TencentSecretKey).DescribeAbnormalProcessDetail(ctx, "", "no-such-event")
	if code := tencentCode(err); code != "ResourceNotFound" {
		t.Errorf("unknown event: code %q (%v), want ResourceNotFound", code, err)
	}

	_, err = tencentClient(t, srv, "wrong-secret-key").DescribeAbnormalProcessDetail(ctx, "", localcloud.TCSSReferenceEventID)
	if code := tencentCode(err); code != "AuthFailure.SignatureFailure" {
		t.Errorf("wrong key: code %q (%v), want AuthFailure.SignatureFailure", code, err)
	}
}

func TestTencentQuota(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{TencentQuota: 2})
	c := tencentClient(t, srv, localcloud.TencentSecretKey)
	throttled := 0
	for range 5 {
		_, err := c.DescribeAbnormalProcessDetail(context.Background(), "", localcloud.TCSSReferenceEventID)
		if tencentCode(err) == "RequestLimitExceeded" {
			throttled++
		}
	}
	// 5 requests well inside one or two seconds: at least one is over a quota of 2.
	if throttled == 0 {
		t.Fatal("a quota of 2 per second throttled none of 5 back-to-back requests")
	}
}

func TestHuaweiQuota(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HuaweiQuota: 2, HSSEvents: 5})
	c := huaweiClient(t, srv, localcloud.HuaweiSecretKey, localcloud.HuaweiProjectID)
	lastDays := int32(30)
	throttled := 0
	for range 5 {
		_, err := c.ListAppWhitelistEventPage(context.Background(), huaweicloud.Target{},
			&huaweicloud.ListAppWhitelistEventRequest{LastDays: &lastDays, Limit: 200})
		if status, code := huaweiError(err); status == http.StatusTooManyRequests && code == "APIGW.0308" {
			throttled++
		}
	}
	if throttled == 0 {
		t.Fatal("a quota of 2 per second throttled none of 5 back-to-back requests")
	}
}

func tencentCode(err error) string {
	var e *tcerrors.TencentCloudSDKError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestHuaweiSignedBySDK(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 50})
	ctx := context.Background()
	lastDays := int32(30)
	req := &huaweicloud.ListAppWhitelistEventRequest{LastDays: &lastDays, Offset: 0, Limit: 200}

	resp, err := huaweiClient(t, srv, localcloud.HuaweiSecretKey, localcloud.HuaweiProjectID).ListAppWhitelistEventPage(ctx, huaweicloud.Target{}, req)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	// The reference example is from 2024: outside the last 30 days.
	if *resp.TotalNum != 50 || len(resp.DataList) != 50 {
		t.Errorf("total_num %d, %d events; want 50 and 50", *resp.TotalNum, len(resp.DataList))
	}
	got := srv.Requests()
	if last := got[len(got)-1]; last.Params["last_days"] != "30" || last.Params["begin_time"] != "" {
		t.Errorf("the request carried %v: want last_days and no begin_time", last.Params)
	}

	_, err = huaweiClient(t, srv, "wrong-secret-key", localcloud.HuaweiProjectID).ListAppWhitelistEventPage(ctx, huaweicloud.Target{}, req)
	if status, code := huaweiError(err); status != http.StatusUnauthorized || code != "APIGW.0301" {
		t.Errorf("wrong key: %d %q (%v), want 401 APIGW.0301", status, code, err)
	}

	_, err = huaweiClient(t, srv, localcloud.HuaweiSecretKey, "another-project").ListAppWhitelistEventPage(ctx, huaweicloud.Target{}, req)
	if status, _ := huaweiError(err); status != http.StatusNotFound {
		t.Errorf("wrong project: %v, want 404", err)
	}
}

func TestHuaweiParameterRules(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{})
	c := huaweiClient(t, srv, localcloud.HuaweiSecretKey, localcloud.HuaweiProjectID)
	i32 := func(v int32) *int32 { return &v }
	i64 := func(v int64) *int64 { return &v }
	str := func(v string) *string { return &v }
	now := time.Now().UnixMilli()
	day := (24 * time.Hour).Milliseconds()
	cases := []struct {
		name string
		req  huaweicloud.ListAppWhitelistEventRequest
		want string // "" means accepted
	}{
		{"valid last_days", huaweicloud.ListAppWhitelistEventRequest{LastDays: i32(1), Limit: 10}, ""},
		{"valid 2-day range", huaweicloud.ListAppWhitelistEventRequest{BeginTime: i64(now - 2*day), EndTime: i64(now), Limit: 200}, ""},
		{"zero times count as absent", huaweicloud.ListAppWhitelistEventRequest{LastDays: i32(3), BeginTime: i64(0), EndTime: i64(0), Limit: 10}, ""},
		{"limit below 10", huaweicloud.ListAppWhitelistEventRequest{LastDays: i32(1), Limit: 9}, "limit"},
		{"limit above 200", huaweicloud.ListAppWhitelistEventRequest{LastDays: i32(1), Limit: 201}, "limit"},
		{"negative offset", huaweicloud.ListAppWhitelistEventRequest{LastDays: i32(1), Offset: -1, Limit: 10}, "offset"},
		{"offset above 2000000", huaweicloud.ListAppWhitelistEventRequest{LastDays: i32(1), Offset: 2_000_001, Limit: 10}, "offset"},
		{"last_days above 30", huaweicloud.ListAppWhitelistEventRequest{LastDays: i32(31), Limit: 10}, "last_days"},
		{"last_days with a range", huaweicloud.ListAppWhitelistEventRequest{LastDays: i32(1), BeginTime: i64(now - day), EndTime: i64(now), Limit: 10}, "mutually exclusive"},
		{"begin without end", huaweicloud.ListAppWhitelistEventRequest{BeginTime: i64(now - day), Limit: 10}, "together"},
		{"range over 2 days", huaweicloud.ListAppWhitelistEventRequest{BeginTime: i64(now - 2*day - 1), EndTime: i64(now), Limit: 10}, "2 days"},
		{"begin after end", huaweicloud.ListAppWhitelistEventRequest{BeginTime: i64(now), EndTime: i64(now - 1), Limit: 10}, "after"},
		{"bad handle_status", huaweicloud.ListAppWhitelistEventRequest{LastDays: i32(1), HandleStatus: str("done"), Limit: 10}, "handle_status"},
		{"empty host_name", huaweicloud.ListAppWhitelistEventRequest{LastDays: i32(1), HostName: str(""), Limit: 10}, "host_name"},
		{"private_ip too long", huaweicloud.ListAppWhitelistEventRequest{LastDays: i32(1), PrivateIP: str(strings.Repeat("1", 129)), Limit: 10}, "private_ip"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.ListAppWhitelistEventPage(context.Background(), huaweicloud.Target{}, &tc.req)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			status, _ := huaweiError(err)
			if status != http.StatusBadRequest || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a 400 naming %q", err, tc.want)
			}
		})
	}
}

func huaweiError(err error) (int, string) {
	var e *sdkerr.ServiceResponseError
	if errors.As(err, &e) {
		return e.StatusCode, e.ErrorCode
	}
	return 0, ""
}

func TestListensOnLoopbackOnly(t *testing.T) {
	if _, err := localcloud.StartOn("0.0.0.0:0", localcloud.Config{}); err == nil {
		t.Fatal("StartOn accepted a non-loopback address")
	}
}

// TestQuotaModels: each cloud's quota counts as its model says. Five
// requests at .9 of a second fill a quota of 5; half a second later, in the
// next wall-clock second, a fixed window takes a request, a sliding window
// (which still holds the five) refuses it, a bucket (refilled 3) takes it.
func TestQuotaModels(t *testing.T) {
	for _, tc := range []struct {
		model quota.Model
		later bool // accepted half a second later
	}{{quota.FixedWindow, true}, {quota.SlidingWindow, false}, {quota.TokenBucket, true}} {
		t.Run(string(tc.model), func(t *testing.T) {
			base := time.Now().Truncate(time.Second).Add(900 * time.Millisecond)
			var offset atomic.Int64
			srv := localcloud.StartForTest(t, localcloud.Config{TencentQuota: 5, TencentQuotaModel: tc.model,
				HuaweiQuota: 5, HuaweiQuotaModel: tc.model, HSSEvents: 1,
				Now: func() time.Time { return base.Add(time.Duration(offset.Load())) }})
			tc3 := tencentClient(t, srv, localcloud.TencentSecretKey)
			hw := huaweiClient(t, srv, localcloud.HuaweiSecretKey, localcloud.HuaweiProjectID)
			lastDays := int32(30)
			throttled := func() (tcss, hss bool) {
				_, err := tc3.DescribeAbnormalProcessDetail(context.Background(), "", localcloud.TCSSReferenceEventID)
				_, errHW := hw.ListAppWhitelistEventPage(context.Background(), huaweicloud.Target{},
					&huaweicloud.ListAppWhitelistEventRequest{LastDays: &lastDays, Limit: 200})
				status, _ := huaweiError(errHW)
				return tencentCode(err) == "RequestLimitExceeded", status == http.StatusTooManyRequests
			}
			for i := range 5 {
				if tcss, hss := throttled(); tcss || hss {
					t.Fatalf("request %d of 5 throttled under a quota of 5", i+1)
				}
			}
			if tcss, hss := throttled(); !tcss || !hss {
				t.Fatal("the 6th request within the second was not throttled")
			}
			offset.Store(int64(500 * time.Millisecond))
			if tcss, hss := throttled(); tcss != !tc.later || hss != !tc.later {
				t.Errorf("half a second later: TCSS throttled %v, HSS throttled %v; want %v", tcss, hss, !tc.later)
			}
		})
	}
}
