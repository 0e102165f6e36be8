package huaweicloud_test

import (
	"context"
	"testing"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// lateSecondPage holds the page at offset 200 until the pages after it are served.
type lateSecondPage struct{ huaweicloud.PageLister }

func (l lateSecondPage) ListAppWhitelistEventPage(ctx context.Context, target huaweicloud.Target, req *huaweicloud.ListAppWhitelistEventRequest) (*huaweicloud.ListAppWhitelistEventResponse, error) {
	if req.Offset == 200 {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
	return l.PageLister.ListAppWhitelistEventPage(ctx, target, req)
}

// New events arriving while pages are read shift every offset: the read must
// still hold every event that existed when it began, each once.
func TestReadEventsWhileTotalGrows(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 950})
	before := srv.HSSEventTimes()
	srv.SetFaults(localcloud.Huawei, localcloud.Faults{GrowTotal: true})

	client, err := huaweicloud.NewClient(huaweicloud.Config{
		AccessKey: localcloud.HuaweiAccessKey, SecretKey: localcloud.HuaweiSecretKey, ProjectID: localcloud.HuaweiProjectID,
		Endpoint: srv.URL(), RequestsPerSecond: 500,
	})
	if err != nil {
		t.Fatal(err)
	}
	days := int32(30)
	// The second page is served last, after the pages above it grew the list:
	// the positions it would have covered shifted past it, so the read has
	// to go back for them, whatever the machine's scheduling.
	res, err := huaweicloud.ReadEvents(context.Background(), lateSecondPage{client}, huaweicloud.Query{LastDays: &days}, huaweicloud.DefaultConcurrency)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, ev := range res.Events {
		if seen[*ev.EventID] {
			t.Fatalf("event %s read twice", *ev.EventID)
		}
		seen[*ev.EventID] = true
	}
	for id, occur := range before {
		if id != localcloud.HSSReferenceEventID && !seen[id] {
			t.Errorf("event %s (%d) was lost while the total grew", id, occur)
		}
	}
	if res.Requests <= 5 {
		t.Errorf("%d requests: the grown total was not followed up", res.Requests)
	}
}
