package localcloud_test

import (
	"context"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

func ptr[T any](v T) *T { return &v }

func listPage(t *testing.T, c *tencentcloud.Client, req tencentcloud.DescribeAbnormalProcessEventsRequest) *tencentcloud.DescribeAbnormalProcessEventsResponseParams {
	t.Helper()
	resp, err := c.DescribeAbnormalProcessEvents(context.Background(), "", req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestTencentListServesTheDetailsEvents(t *testing.T) {
	const n = 30
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: n, TencentQuota: -1})
	c := tencentClient(t, srv, localcloud.TencentSecretKey)
	ctx := context.Background()

	// Every listed id resolves with the detail call, and the two agree.
	page := listPage(t, c, tencentcloud.DescribeAbnormalProcessEventsRequest{Limit: ptr(uint64(100))})
	if *page.TotalCount != n+3 || len(page.EventSet) != n+3 {
		t.Fatalf("total %d, %d events; want %d", *page.TotalCount, len(page.EventSet), n+3)
	}
	for _, e := range page.EventSet {
		detail, err := c.DescribeAbnormalProcessDetail(ctx, "", *e.Id)
		if err != nil {
			t.Fatalf("listed event %s: %v", *e.Id, err)
		}
		if e.MatchRuleLevel != nil && *e.MatchRuleLevel != *detail.EventDetail.MatchRule.RuleLevel {
			t.Errorf("event %s: list level %s, detail %s", *e.Id, *e.MatchRuleLevel, *detail.EventDetail.MatchRule.RuleLevel)
		}
	}

	// Status: exact, and as a substring.
	exact := listPage(t, c, tencentcloud.DescribeAbnormalProcessEventsRequest{Limit: ptr(uint64(100)), Filters: []*tencentcloud.RunTimeFilters{
		{Name: ptr("Status"), Values: []*string{ptr("EVENT_DEALED")}, ExactMatch: ptr(true)},
	}})
	fuzzy := listPage(t, c, tencentcloud.DescribeAbnormalProcessEventsRequest{Limit: ptr(uint64(100)), Filters: []*tencentcloud.RunTimeFilters{
		{Name: ptr("Status"), Values: []*string{ptr("DEAL")}},
	}})
	dealed, undeal := 1, 0 // the reference is EVENT_DEALED
	for i := 1; i <= n; i++ {
		switch localcloud.TCSSGeneratedStatus(i) {
		case "EVENT_DEALED":
			dealed++
		case "EVENT_UNDEAL":
			undeal++
		}
	}
	if int(*exact.TotalCount) != dealed || int(*fuzzy.TotalCount) != dealed+undeal {
		t.Errorf("exact %d, fuzzy %d; want %d and %d", *exact.TotalCount, *fuzzy.TotalCount, dealed, dealed+undeal)
	}

	// Ordering, and paging by offset.
	asc := listPage(t, c, tencentcloud.DescribeAbnormalProcessEventsRequest{
		Limit: ptr(uint64(2)), Offset: ptr(uint64(3)), By: ptr("FoundTime"), Order: ptr("asc"),
	})
	// Ascending: the two without a time, the 2024 reference, then evt-00001, evt-00002...
	if len(asc.EventSet) != 2 || *asc.EventSet[0].Id != localcloud.TCSSGeneratedEventID(1) || *asc.EventSet[1].Id != localcloud.TCSSGeneratedEventID(2) {
		t.Errorf("found_time asc, offset 3: %v", ids(asc.EventSet))
	}
	latest := listPage(t, c, tencentcloud.DescribeAbnormalProcessEventsRequest{Limit: ptr(uint64(1)), By: ptr("LatestFoundTime"), Order: ptr("desc")})
	if want := localcloud.TCSSGeneratedEventID(localcloud.TCSSNewestByLatest(srv.Now(), n)); *latest.EventSet[0].Id != want {
		t.Errorf("latest_found_time desc starts with %s, want %s", *latest.EventSet[0].Id, want)
	}
	found := listPage(t, c, tencentcloud.DescribeAbnormalProcessEventsRequest{Limit: ptr(uint64(1)), By: ptr("FoundTime"), Order: ptr("desc")})
	if want := localcloud.TCSSGeneratedEventID(n); *found.EventSet[0].Id != want {
		t.Errorf("found_time desc starts with %s, want %s", *found.EventSet[0].Id, want)
	}
}

func ids(events []tencentcloud.AbnormalProcessEventInfo) []string {
	out := []string{}
	for _, e := range events {
		out = append(out, *e.Id)
	}
	return out
}

// looseRequest sends a key the API does not have.
type looseRequest struct {
	*tchttp.BaseRequest
	Limit    *uint64 `json:"Limit,omitempty"`
	PageSize *uint64 `json:"PageSize,omitempty"`
}

func TestTencentListRefusesBadParameters(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{TencentQuota: -1})
	c := tencentClient(t, srv, localcloud.TencentSecretKey)
	_, err := c.DescribeAbnormalProcessEvents(context.Background(), "", tencentcloud.DescribeAbnormalProcessEventsRequest{Limit: ptr(uint64(101))})
	if code := tencentCode(err); code != "InvalidParameterValue.Limit" {
		t.Errorf("Limit 101: code %q (%v)", code, err)
	}
	_, err = c.DescribeAbnormalProcessEvents(context.Background(), "", tencentcloud.DescribeAbnormalProcessEventsRequest{
		Filters: []*tencentcloud.RunTimeFilters{{Name: ptr("Status")}},
	})
	if code := tencentCode(err); code != "InvalidParameter.Filters" {
		t.Errorf("filter without values: code %q (%v)", code, err)
	}

	cp := profile.NewClientProfile()
	cp.HttpProfile.Endpoint = srv.URL()[len("http://"):]
	cp.HttpProfile.Scheme = "HTTP"
	sc := common.NewCommonClient(common.NewCredential(localcloud.TencentSecretID, localcloud.TencentSecretKey), "ap-guangzhou", cp)
	req := &looseRequest{BaseRequest: &tchttp.BaseRequest{}, Limit: ptr(uint64(10)), PageSize: ptr(uint64(10))}
	req.Init().WithApiInfo("tcss", "2020-11-01", tencentcloud.ActionDescribeAbnormalProcessEvents)
	err = sc.Send(req, &tencentcloud.DescribeAbnormalProcessEventsResponse{BaseResponse: &tchttp.BaseResponse{}})
	if code := tencentCode(err); code != "InvalidParameter" {
		t.Errorf("an unknown key: code %q (%v)", code, err)
	}
}
