package huaweicloud_test

import (
	"context"
	"testing"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

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
	res, err := huaweicloud.ReadEvents(context.Background(), client, huaweicloud.Query{LastDays: &days}, huaweicloud.DefaultConcurrency)
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
