package huaweicloud

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

func str(s string) *string { return &s }

// TestFilterCheck drops an event only when no reading of a filter could
// match it: host_name, host_ip and private_ip may match exactly or as a
// part, in any case; handle_status is a documented value set.
func TestFilterCheck(t *testing.T) {
	withResource := func(e AppWhitelistEventResponseInfo, r EventResourceInfo) AppWhitelistEventResponseInfo {
		e.ResourceInfo = &r
		return e
	}
	for _, tc := range []struct {
		name  string
		q     Query
		event AppWhitelistEventResponseInfo
		drop  string
	}{
		{"host_name exact", Query{HostName: str("web-1")}, AppWhitelistEventResponseInfo{HostName: str("web-1")}, ""},
		{"host_name a part, other case", Query{HostName: str("WEB")}, AppWhitelistEventResponseInfo{HostName: str("web-1")}, ""},
		{"host_name other host", Query{HostName: str("web-1")}, AppWhitelistEventResponseInfo{HostName: str("db-1")}, "host_name"},
		{"host_name from resource_info", Query{HostName: str("ecs-hce")},
			withResource(AppWhitelistEventResponseInfo{}, EventResourceInfo{HostName: str("ecs-hce")}), ""},
		{"host_name other host in resource_info", Query{HostName: str("web-1")},
			withResource(AppWhitelistEventResponseInfo{}, EventResourceInfo{HostName: str("ecs-hce")}), "host_name"},
		{"host_name absent everywhere: kept", Query{HostName: str("web-1")}, AppWhitelistEventResponseInfo{}, ""},
		{"host_ip from resource_info", Query{HostIP: str("10.20.0.10")},
			withResource(AppWhitelistEventResponseInfo{}, EventResourceInfo{HostIP: str("10.20.0.11")}), "host_ip"},
		{"host_ip matching", Query{HostIP: str("10.20.0.10")},
			withResource(AppWhitelistEventResponseInfo{}, EventResourceInfo{HostIP: str("10.20.0.10")}), ""},
		{"private_ip other host", Query{PrivateIP: str("192.168.10.10")}, AppWhitelistEventResponseInfo{PrivateIP: str("192.168.10.11")}, "private_ip"},
		{"private_ip absent: resource_info's host_ip is not compared", Query{PrivateIP: str("192.168.10.10")},
			withResource(AppWhitelistEventResponseInfo{}, EventResourceInfo{HostIP: str("10.20.0.10")}), ""},
		{"handle_status other", Query{HandleStatus: str("unhandled")}, AppWhitelistEventResponseInfo{HandleStatus: str("handled")}, "handle_status"},
		{"handle_status same", Query{HandleStatus: str("handled")}, AppWhitelistEventResponseInfo{HandleStatus: str("handled")}, ""},
	} {
		c := newFilterCheck(tc.q)
		out := c.Drop(&tc.event)
		name := ""
		if w := c.Warnings(); len(w) == 1 {
			name = strings.TrimPrefix(w[0].Summary, "HSS did not apply the filter ")
		}
		if out != (tc.drop != "") || name != tc.drop {
			t.Errorf("%s: dropped by %q, want %q", tc.name, name, tc.drop)
		}
	}

	c := newFilterCheck(Query{HostName: str("web-1"), HandleStatus: str("unhandled")})
	kept := 0
	for _, e := range []AppWhitelistEventResponseInfo{
		{HostName: str("web-1"), HandleStatus: str("unhandled")},
		{HostName: str("web-2"), HandleStatus: str("unhandled")},
		{HostName: str("web-3"), HandleStatus: str("unhandled")},
		{HostName: str("web-1"), HandleStatus: str("handled")},
	} {
		if !c.Drop(&e) {
			kept++
		}
	}
	if kept != 1 {
		t.Fatalf("kept %d of 4", kept)
	}
	w := c.Warnings()
	if len(w) != 2 || w[0].Summary != "HSS did not apply the filter host_name" ||
		!strings.Contains(w[0].Detail, `returned 2 events whose host_name does not contain "web-1"`) ||
		!strings.Contains(w[1].Detail, `returned 1 events whose handle_status is not "unhandled"`) {
		t.Errorf("warnings: %+v", w)
	}
}

func TestHostFields(t *testing.T) {
	top := AppWhitelistEventResponseInfo{HostName: str("web-1"), PrivateIP: str("192.168.10.10"),
		ResourceInfo: &EventResourceInfo{HostName: str("vm-1"), HostIP: str("10.20.0.10")}}
	if *top.Host() != "web-1" || *top.IP() != "192.168.10.10" {
		t.Errorf("top-level fields: %s %s", *top.Host(), *top.IP())
	}
	inResource := AppWhitelistEventResponseInfo{ResourceInfo: top.ResourceInfo}
	if *inResource.Host() != "vm-1" || *inResource.IP() != "10.20.0.10" {
		t.Errorf("resource_info fields: %s %s", *inResource.Host(), *inResource.IP())
	}
	if none := (AppWhitelistEventResponseInfo{}); none.Host() != nil || none.IP() != nil {
		t.Error("an event with neither has a host")
	}
}

// TestLastDaysIsWindows: last_days is sent as begin_time/end_time windows
// of at most 2 days that cover the days before the read's start.
func TestLastDaysIsWindows(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var sent []ListAppWhitelistEventRequest
	lister := listerFunc(func(req *ListAppWhitelistEventRequest) (*ListAppWhitelistEventResponse, error) {
		sent = append(sent, *req)
		return &ListAppWhitelistEventResponse{TotalNum: new(int32)}, nil
	})
	days := int32(5)
	if _, err := ReadEvents(t.Context(), lister, Query{LastDays: &days, Now: now}, 1); err != nil {
		t.Fatal(err)
	}
	if len(sent) != 3 {
		t.Fatalf("%d requests, want 3 windows", len(sent))
	}
	begin := now.Add(-5 * 24 * time.Hour).UnixMilli()
	for i, r := range sent {
		if r.LastDays != nil || r.BeginTime == nil || r.EndTime == nil {
			t.Fatalf("request %d sends last_days or lacks begin/end: %+v", i, r)
		}
		if *r.EndTime-*r.BeginTime > MaxWindow.Milliseconds() {
			t.Errorf("window %d is longer than 2 days", i)
		}
	}
	first, end := *sent[0].BeginTime, int64(0)
	for _, r := range sent {
		first, end = min(first, *r.BeginTime), max(end, *r.EndTime)
	}
	if first != begin {
		t.Errorf("the windows start at %d, want now - 5 days, %d", first, begin)
	}
	if end != now.UnixMilli() {
		t.Errorf("the windows end at %d, want the read's start %d", end, now.UnixMilli())
	}
}

// listerFunc serves every page from one function, called one at a time.
type listerFunc func(req *ListAppWhitelistEventRequest) (*ListAppWhitelistEventResponse, error)

var listerMu sync.Mutex

func (f listerFunc) ListAppWhitelistEventPage(_ context.Context, _ Target, req *ListAppWhitelistEventRequest) (*ListAppWhitelistEventResponse, error) {
	listerMu.Lock()
	defer listerMu.Unlock()
	return f(req)
}
