package huaweicloud_test

import (
	"context"
	"testing"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// localClient reads the local cloud with its keys, fast enough that the
// limiter is not what a test measures.
func localClient(t *testing.T, srv *localcloud.Server) *huaweicloud.Client {
	t.Helper()
	client, err := huaweicloud.NewClient(huaweicloud.Config{
		AccessKey: localcloud.HuaweiAccessKey, SecretKey: localcloud.HuaweiSecretKey, ProjectID: localcloud.HuaweiProjectID,
		Endpoint: srv.URL(), RequestsPerSecond: 500,
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

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

	client := localClient(t, srv)
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

// TestReadEventsAllProjects: unset, enterprise_project_id reads every
// project the credentials see; an account that refuses all_granted_eps is
// read without it, once per client, with one warning per read.
func TestReadEventsAllProjects(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cfg      localcloud.Config
		events   int
		warnings int
	}{
		{"projects", localcloud.Config{HSSEvents: 90, HSSEnterpriseProjects: 3}, 90, 0},
		{"no projects, all_granted_eps refused", localcloud.Config{HSSEvents: 90, Readings: localcloud.Readings{HSSAllProjectsRefused: true}}, 90, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := localcloud.StartForTest(t, tc.cfg)
			client := localClient(t, srv)
			days := int32(30)
			for read := range 2 {
				srv.ResetRequests()
				res, err := huaweicloud.ReadEvents(t.Context(), client, huaweicloud.Query{LastDays: &days, AllProjects: client.AllProjects()}, 4)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Events) != tc.events || len(res.Warnings) != tc.warnings {
					t.Fatalf("read %d: %d events, warnings %v; want %d events, %d warnings", read, len(res.Events), res.Warnings, tc.events, tc.warnings)
				}
				asked := 0
				for _, r := range srv.Requests() {
					if r.Params["enterprise_project_id"] == "all_granted_eps" {
						asked++
					}
				}
				switch {
				case tc.warnings == 0 && asked != len(srv.Requests()):
					t.Errorf("read %d: %d of %d requests sent all_granted_eps, want all", read, asked, len(srv.Requests()))
				case tc.warnings > 0 && read == 1 && asked != 0:
					t.Errorf("the second read sent all_granted_eps %d times: the refusal was not remembered", asked)
				}
			}
			// A project named is sent as given: 0 is the default project alone.
			zero := "0"
			res, err := huaweicloud.ReadEvents(t.Context(), client, huaweicloud.Query{LastDays: &days, EnterpriseProjectID: &zero}, 4)
			if err != nil {
				t.Fatal(err)
			}
			if want := tc.events / max(tc.cfg.HSSEnterpriseProjects, 1); len(res.Events) != want || len(res.Warnings) != 0 {
				t.Errorf("enterprise_project_id 0: %d events, warnings %v; want %d, none", len(res.Events), res.Warnings, want)
			}
		})
	}
}
