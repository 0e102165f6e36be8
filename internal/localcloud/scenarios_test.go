package localcloud_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

// TestScenariosByKeyID: one server, two fixture sets; the key id a request
// is signed with selects the set, and each sees only its own events.
func TestScenariosByKeyID(t *testing.T) {
	parse := func(doc string) *localcloud.Fixtures {
		f, err := localcloud.ParseFixtures("f.json", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	srv := localcloud.StartForTest(t, localcloud.Config{
		TencentQuota: -1,
		Fixtures: parse(`{"now": "2026-11-30T12:00:00Z", "tencentcloud": {"events": [{"Id": "tc-clean", "FoundTime": "2026-11-30 09:00:00"}]},
		                  "huaweicloud": {"events": [{"event_id": "hw-clean", "occur_time": 1796000400000}]}}`),
		Scenarios: map[string]*localcloud.Fixtures{
			"dirty": parse(`{"now": "2026-11-30T12:00:00Z", "tencentcloud": {"events": [{"Id": "tc-dirty-1", "FoundTime": "2026-11-30 09:00:00"}, {"Id": "tc-dirty-2"}]},
			                 "huaweicloud": {"events": [{"event_id": "hw-dirty", "occur_time": 1796000400000}]}}`),
		},
	})
	ctx := context.Background()
	read := func(keyID, accessKey string) (tcss, hss []string, err error) {
		tc, err := tencentcloud.NewClient(tencentcloud.Config{SecretID: keyID, SecretKey: localcloud.TencentSecretKey,
			Region: "ap-guangzhou", Endpoint: srv.URL(), RequestsPerSecond: 100, MaxRetries: 0})
		if err != nil {
			t.Fatal(err)
		}
		list, err := tc.DescribeAbnormalProcessEvents(ctx, "", tencentcloud.DescribeAbnormalProcessEventsRequest{})
		if err != nil {
			return nil, nil, err
		}
		for _, e := range list.EventSet {
			tcss = append(tcss, *e.Id)
		}
		hw, err := huaweicloud.NewClient(huaweicloud.Config{AccessKey: accessKey, SecretKey: localcloud.HuaweiSecretKey,
			Region: "cn-north-4", ProjectID: localcloud.HuaweiProjectID, Endpoint: srv.URL(), RequestsPerSecond: 100})
		if err != nil {
			t.Fatal(err)
		}
		days := int32(30)
		res, err := huaweicloud.ReadEvents(ctx, hw, huaweicloud.Query{LastDays: &days}, 2)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range res.Events {
			hss = append(hss, *e.EventID)
		}
		return tcss, hss, nil
	}
	for _, tc := range []struct {
		keyID, accessKey, tcss, hss string
	}{
		{localcloud.TencentSecretID, localcloud.HuaweiAccessKey, "tc-clean", "hw-clean"},
		{"dirty", "dirty", "tc-dirty-1 tc-dirty-2", "hw-dirty"},
	} {
		tcss, hss, err := read(tc.keyID, tc.accessKey)
		if err != nil {
			t.Fatalf("%s: %v", tc.keyID, err)
		}
		if strings.Join(tcss, " ") != tc.tcss || strings.Join(hss, " ") != tc.hss {
			t.Errorf("key id %s sees TCSS %v and HSS %v, want %s and %s", tc.keyID, tcss, hss, tc.tcss, tc.hss)
		}
	}
	_, _, err := read("dirt", "dirty")
	if err == nil || !strings.Contains(err.Error(), "The SecretId is not found. This local cloud serves the scenarios dirty, selected by key id, and the default one with "+localcloud.TencentSecretID) {
		t.Errorf("an unknown TCSS key id: %v", err)
	}
	_, _, err = read("dirty", "dirt")
	if err == nil || !strings.Contains(err.Error(), "unknown access key. This local cloud serves the scenarios dirty, selected by key id, and the default one with "+localcloud.HuaweiAccessKey) {
		t.Errorf("an unknown HSS access key: %v", err)
	}
}
