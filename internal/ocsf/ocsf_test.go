package ocsf

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/ocsf/ocsfcheck"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/processevent"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/tencentcloud"
)

var shanghai = time.FixedZone("UTC+8", 8*3600)

func parseIn(zone *time.Location) func(*string) (time.Time, bool) {
	return func(s *string) (time.Time, bool) { return tencentcloud.ParseTime(s, zone) }
}

// referenceTCSS is the TCSS reference's event as the list has it.
func referenceTCSS(t *testing.T) tencentcloud.AbnormalProcessEventInfo {
	t.Helper()
	var ref struct {
		Tencentcloud struct {
			Details map[string]struct {
				Response json.RawMessage
			}
		}
	}
	readJSON(t, "../localcloud/testdata/tcss-reference-response.json", &ref)
	for id, d := range ref.Tencentcloud.Details {
		entry, err := localcloud.TCSSListEntry(id, d.Response)
		if err != nil {
			t.Fatal(err)
		}
		var e tencentcloud.AbnormalProcessEventInfo
		if err := json.Unmarshal(entry, &e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	t.Fatal("no TCSS reference event")
	return tencentcloud.AbnormalProcessEventInfo{}
}

func referenceHSS(t *testing.T) []huaweicloud.AppWhitelistEventResponseInfo {
	t.Helper()
	var ref struct {
		Huaweicloud struct {
			Events huaweicloud.ListAppWhitelistEventResponse
		}
	}
	readJSON(t, "../localcloud/testdata/hss-reference-response.json", &ref)
	if len(ref.Huaweicloud.Events.DataList) == 0 {
		t.Fatal("no HSS reference event")
	}
	return ref.Huaweicloud.Events.DataList
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	raw, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func ptr[T any](v T) *T { return &v }

// encodeValid encodes an event, checks it against OCSF and returns it read.
func encodeValid(t *testing.T, e processevent.Event) map[string]any {
	t.Helper()
	out, err := Encode(&e)
	if err != nil {
		t.Fatal(err)
	}
	if err := ocsfcheck.DetectionFinding().Check(out); err != nil {
		t.Fatalf("%s\ndoes not validate:\n%v", out, err)
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// get reads a dotted path of a decoded finding; "evidences.0.process.pid".
func get(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch c := v.(type) {
		case map[string]any:
			v = c[k]
		case []any:
			i := 0
			for _, r := range k {
				i = i*10 + int(r-'0')
			}
			if i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

func want(t *testing.T, f map[string]any, values map[string]any) {
	t.Helper()
	for path, w := range values {
		got := get(f, path)
		if n, ok := got.(float64); ok {
			got = int64(n)
		}
		switch w := w.(type) {
		case int:
			if got != int64(w) {
				t.Errorf("%s = %v, want %v", path, got, w)
			}
		default:
			if got != w {
				t.Errorf("%s = %#v, want %#v", path, got, w)
			}
		}
	}
}

func TestReferenceEventsAreValidFindings(t *testing.T) {
	tcss := referenceTCSS(t)
	e := processevent.FromTCSS(&tcss, parseIn(shanghai))
	e.Region = "ap-guangzhou"
	f := encodeValid(t, e)
	want(t, f, map[string]any{
		"class_uid": 2004, "category_uid": 2, "activity_id": 1, "type_uid": 200401, "type_name": "Detection Finding: Create",
		"metadata.version": "1.8.0", "metadata.product.vendor_name": "Tencent Cloud", "metadata.log_name": "DescribeAbnormalProcessEvents",
		"cloud.provider": "Tencent Cloud", "cloud.region": "ap-guangzhou",
		"finding_info.uid": "10302329", "time_dt": "2024-10-21T15:55:45+08:00",
		"time": time.Date(2024, 10, 21, 7, 55, 45, 0, time.UTC).UnixMilli(), "count": 2,
		"status_code": *tcss.Status, "device.type_id": 0, "device.ip": "172.16.0.34",
		"evidences.0.file.path": *tcss.ProcessPath, "evidences.0.container.name": "/adoring_ishizaka",
		"evidences.0.process": nil, // a TCSS list item has no process id
		"unmapped.ClusterID":  "cls-13nfdn****", "unmapped.MatchRuleId": "100000000000000000000004", "unmapped.Id": nil, "unmapped.HostIP": nil,
		"remediation.desc": *tcss.Solution, "finding_info.title": "REVERSE_SHELL", "severity": "High",
	})
	for _, h := range referenceHSS(t) {
		e := processevent.FromHSS(&h)
		e.Region = "cn-north-4"
		f := encodeValid(t, e)
		want(t, f, map[string]any{
			"cloud.provider": "Huawei Cloud", "finding_info.uid": *h.EventID, "time": *h.OccurTime,
			"time_dt": "2024-11-12T04:19:12Z", "severity_id": 4, "severity": "High", "status_id": 1, "status": "New",
			"status_code": "unhandled", "metadata.log_name": "ListAppWhitelistEvent", "count": nil,
			"evidences.0.process.pid": *h.Processes()[0].ProcessPid, "unmapped.event_class_id": "appwl_1001",
			"unmapped.event_id": nil, "unmapped.severity": nil,
		})
	}
}

func TestSparseAndOddEventsAreValidFindings(t *testing.T) {
	odd, empty := "SEVERE", ""
	for name, e := range map[string]processevent.Event{
		"tcss id and time only": processevent.FromTCSS(&tencentcloud.AbnormalProcessEventInfo{Id: ptr("1"), FoundTime: ptr("2026-11-30 08:00:00")}, parseIn(shanghai)),
		"tcss other severity, unknown status, bad ip, image without id": processevent.FromTCSS(&tencentcloud.AbnormalProcessEventInfo{
			Id: ptr("2"), FoundTime: ptr("2026-11-30 08:00:00"), LatestFoundTime: ptr("not a time"), MatchRuleLevel: &odd, Status: &empty,
			HostIP: ptr("10.0.0.1,10.0.0.2"), ImageName: ptr("nginx"), ContainerName: ptr("/c"), ProcessPath: ptr("/"),
		}, parseIn(shanghai)),
		"hss id and time only": processevent.FromHSS(&huaweicloud.AppWhitelistEventResponseInfo{EventID: ptr("h"), OccurTime: ptr(int64(1764489600051))}),
		"hss host in both places": processevent.FromHSS(&huaweicloud.AppWhitelistEventResponseInfo{
			EventID: ptr("h3"), OccurTime: ptr(int64(1764489600051)), HostName: ptr("web-1"), PrivateIP: ptr("192.168.0.1"), HostID: ptr("i-1"),
			ResourceInfo: &huaweicloud.EventResourceInfo{HostName: ptr("web-1"), HostIP: ptr("10.0.0.9"), HostID: ptr("i-1"), OsType: ptr("Linux")},
		}),
		"hss process without pid, parent with one, container alone": processevent.FromHSS(&huaweicloud.AppWhitelistEventResponseInfo{
			EventID: ptr("h2"), OccurTime: ptr(int64(1764489600051)), Severity: &odd, HandleStatus: ptr("ignored"),
			ResourceInfo: &huaweicloud.EventResourceInfo{ContainerID: ptr("c1"), HostIP: ptr("10.1.1.1")},
			ProcessInfo:  []huaweicloud.EventProcessResInfo{{ProcessName: ptr("sh"), ProcessPath: ptr("/bin/sh"), ParentProcessPid: ptr(int64(7))}, {ProcessPid: ptr(int64(9)), ProcessUID: ptr(int64(0))}},
		}),
	} {
		t.Run(name, func(t *testing.T) {
			e.Region = "r"
			f := encodeValid(t, e)
			switch name {
			case "tcss id and time only":
				want(t, f, map[string]any{"severity_id": 0, "severity": "Unknown", "status_id": 0, "status": "Unknown", "status_code": nil,
					"device": nil, "evidences": nil, "unmapped": nil, "time_dt": "2026-11-30T08:00:00+08:00"})
			case "tcss other severity, unknown status, bad ip, image without id":
				want(t, f, map[string]any{"severity_id": 99, "severity": "SEVERE", "status_id": 0, "status_code": "",
					"device": nil, "unmapped.HostIP": "10.0.0.1,10.0.0.2", "unmapped.ImageName": "nginx",
					"unmapped.LatestFoundTime": "not a time", "finding_info.last_seen_time": nil, "unmapped.ContainerName": "/c"})
			case "hss host in both places": // a repeated value has its home; another address is kept
				want(t, f, map[string]any{"device.hostname": "web-1", "device.ip": "192.168.0.1", "unmapped.resource_info.host_name": nil,
					"unmapped.resource_info.host_id": nil, "unmapped.resource_info.host_ip": "10.0.0.9", "unmapped.resource_info.os_type": "Linux"})
			case "hss id and time only":
				want(t, f, map[string]any{"time": 1764489600051, "time_dt": "2025-11-30T08:00:00.051Z", "finding_info.first_seen_time": 1764489600051})
			default:
				want(t, f, map[string]any{"severity_id": 99, "severity": "SEVERE", "status_id": 99, "status": "ignored",
					"evidences.0.file.name": "sh", "evidences.0.container.uid": "c1", "evidences.1.process.pid": 9,
					"evidences.1.process.user.uid": "0", "device.ip": "10.1.1.1",
					"unmapped.process_info.0.process_name": "sh", "unmapped.process_info.0.parent_process_pid": 7,
					"unmapped.process_info.0.process_path": nil, "unmapped.resource_info.container_id": nil,
					"unmapped.resource_info.host_ip": nil, "unmapped.resource_info": nil})
			}
		})
	}
}

func TestEventsThatCannotBeFindingsFail(t *testing.T) {
	for name, e := range map[string]processevent.Event{
		"no id":   processevent.FromHSS(&huaweicloud.AppWhitelistEventResponseInfo{OccurTime: ptr(int64(1764489600051))}),
		"no time": processevent.FromTCSS(&tencentcloud.AbnormalProcessEventInfo{Id: ptr("1")}, parseIn(shanghai)),
	} {
		out, err := Encode(&e)
		var eventErr *EventError
		if !errors.As(err, &eventErr) {
			t.Errorf("%s: encoded %s, error %v", name, out, err)
		}
	}
}
