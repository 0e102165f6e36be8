package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

func str(s string) knownvalue.Check { return knownvalue.StringExact(s) }

func TestAccTCSSAbnormalProcessReferenceEvent(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{})
	ref := "data.cwpp_tcss_abnormal_process.ref"
	node := func(name string, pid int64) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{"name": str(name), "pid": knownvalue.Int64Exact(pid)})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(srv, "", "") + referenceEventConfig,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ref, tfjsonpath.New("event_id"), str("5202566")),
				statecheck.ExpectKnownValue(ref, tfjsonpath.New("region"), str("ap-guangzhou")),
				statecheck.ExpectKnownValue(ref, tfjsonpath.New("request_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
				statecheck.ExpectKnownValue(ref, tfjsonpath.New("event_base_info"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"event_id":                        str("10302329"),
					"found_time":                      str("2024-10-21 15:55:45"),
					"found_time_rfc3339":              str("2024-10-21T15:55:45+08:00"),
					"container_id":                    str("1***5fe59dbd61071f16d6165480d381********"),
					"container_name":                  str("/adoring_ishizaka"),
					"image_id":                        str("sha256:1413413431fd9255658c128086395d3********"),
					"image_name":                      str("alpine:latest"),
					"node_name":                       str("d41d8cd98f00*****"),
					"status":                          str("EVENT_DEALED"),
					"event_name":                      str("异常进程事件-告警"),
					"event_type":                      str("FILE_ABNORMAL_READ"),
					"event_count":                     knownvalue.Int64Exact(2),
					"latest_found_time":               str("2024-10-21 20:57:12"),
					"latest_found_time_rfc3339":       str("2024-10-21T20:57:12+08:00"),
					"host_ip":                         str("172.16.0.34"),
					"client_ip":                       str("106.55.163.***"),
					"container_net_status":            str("NORMAL"),
					"container_net_sub_status":        str("NONE"),
					"container_isolate_operation_src": str("system"),
					"node_id":                         str("d41d8cd98f00******"),
					"node_type":                       str("NORMAL"),
					"node_sub_net_id":                 str("sub-fn4nf***"),
					"node_sub_net_name":               str("dev"),
					"node_sub_net_cidr":               str("fe80::8132:1b51:52******"),
					"pod_name":                        str("pod-dev"),
					"pod_ip":                          str("1.1.1.1"),
					"pod_status":                      str("RUNNING"),
					"cluster_id":                      str("cls-13nfdn****"),
					"cluster_name":                    str("demo-dev"),
					"node_unique_id":                  str("fe8dfjf2d2****"),
					"host_id":                         str("1414-18a1-4775-9e3f-cdfc898********"),
					"namespace":                       str("default"),
					"workload_type":                   str("StatefulSet"),
					// The reference's example leaves ContainerStatus out.
					"container_status": knownvalue.Null(),
				})),
				statecheck.ExpectKnownValue(ref, tfjsonpath.New("process_info"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"process_name":       str("xenoncli"),
					"process_authority":  str("-rwxr-xr-x"),
					"process_id":         knownvalue.Int64Exact(2907621),
					"process_start_user": str("root"),
					"process_user_group": str("0"),
					"process_path":       str("/usr/local/bin/xenoncli"),
					"process_tree":       str("xenoncli(2907621)|containerd-shim(330852)|containerd(17863)|dockerd(17838)|systemd(1)"),
					"process_md5":        str("8a5772dee965c8223aebc1225e*****"),
					"process_param":      str("xenoncli xenon ping"),
					"process_tree_nodes": knownvalue.ListExact([]knownvalue.Check{
						node("xenoncli", 2907621), node("containerd-shim", 330852), node("containerd", 17863),
						node("dockerd", 17838), node("systemd", 1),
					}),
				})),
				statecheck.ExpectKnownValue(ref, tfjsonpath.New("parent_process_info"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"process_name":       str("containerd-shim"),
					"process_id":         knownvalue.Int64Exact(330852),
					"process_start_user": str("root"),
					"process_user_group": str("root"),
					"process_path":       str("/usr/bin/containerd-shim"),
					"process_param":      str("containerd-shim -namespace moby -workdir /data/kubernetes/docker/containerd/daemon/io.containerd.runtime.v1.linux/moby/ /var/run/docker/runtime-runc"),
				})),
				statecheck.ExpectKnownValue(ref, tfjsonpath.New("ancestor_process_info"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"process_start_user": str("root"),
					"process_user_group": str("root"),
					"process_path":       str("/usr/local/bin/sshd"),
					"process_param":      str("-port 22"),
				})),
				statecheck.ExpectKnownValue(ref, tfjsonpath.New("event_detail"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"description":            str("检测到疑似反弹shell命令执行"),
					"solution":               str("排查反弹shell行为及目标地址是否为业务正常需要"),
					"remark":                 str("for dev"),
					"rule_name":              str("REVERSE_SHELL"),
					"rule_id":                str("124"),
					"operation_time":         str("2024-10-23 17:38:12"),
					"operation_time_rfc3339": str("2024-10-23T17:38:12+08:00"),
					"group_name":             str("SYSTEM_DEFINED_RULE"),
					"match_rule": knownvalue.ObjectExact(map[string]knownvalue.Check{
						"process_path": str("/usr/bin"),
						"rule_mode":    str("RULE_MODE_ALERT"),
						// The reference's example leaves CmdLine out.
						"cmd_line":   knownvalue.Null(),
						"rule_id":    str("100000000000000000000004"),
						"rule_level": str("HIGH"),
					}),
				})),
			},
		}},
	})
}

func TestAccTCSSAbnormalProcessAbsentFieldsAreNull(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{})
	sparse := "data.cwpp_tcss_abnormal_process.sparse"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(srv, "", "") + `
data "cwpp_tcss_abnormal_process" "sparse" {
  event_id = "sparse-0001"
  region   = "ap-singapore"
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(sparse, tfjsonpath.New("region"), str("ap-singapore")),
				statecheck.ExpectKnownValue(sparse, tfjsonpath.New("event_base_info").AtMapKey("event_id"), str("sparse-0001")),
				statecheck.ExpectKnownValue(sparse, tfjsonpath.New("event_base_info").AtMapKey("event_count"), knownvalue.Null()),
				statecheck.ExpectKnownValue(sparse, tfjsonpath.New("event_base_info").AtMapKey("host_ip"), knownvalue.Null()),
				statecheck.ExpectKnownValue(sparse, tfjsonpath.New("process_info").AtMapKey("process_name"), str("sh")),
				statecheck.ExpectKnownValue(sparse, tfjsonpath.New("process_info").AtMapKey("process_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(sparse, tfjsonpath.New("process_info").AtMapKey("process_tree"), knownvalue.Null()),
				statecheck.ExpectKnownValue(sparse, tfjsonpath.New("process_info").AtMapKey("process_tree_nodes"), knownvalue.Null()),
				statecheck.ExpectKnownValue(sparse, tfjsonpath.New("parent_process_info"), knownvalue.Null()),
				statecheck.ExpectKnownValue(sparse, tfjsonpath.New("ancestor_process_info"), knownvalue.Null()),
				statecheck.ExpectKnownValue(sparse, tfjsonpath.New("event_detail"), knownvalue.Null()),
			},
		}},
	})
	// The region override reached the API.
	for _, r := range srv.Requests() {
		if r.Params["EventId"] != "sparse-0001" {
			t.Errorf("unexpected request %+v", r)
		}
	}
}

func TestAccTCSSAbnormalProcessErrors(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{})
	wrongKey := strings.Replace(providerConfig(srv, "", ""), localcloud.TencentSecretKey, "not-the-secret-key", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerConfig(srv, "", "") + `
data "cwpp_tcss_abnormal_process" "missing" {
  event_id = "no-such-event"
}`,
				ExpectError: regexp.MustCompile(`(?s)abnormal process event no-such-event not found in region\s+ap-guangzhou.*ResourceNotFound.*request id: [0-9a-f-]{36}`),
			},
			{
				Config:      wrongKey + referenceEventConfig,
				ExpectError: regexp.MustCompile(`(?s)Tencent Cloud TCSS DescribeAbnormalProcessDetail failed.*code: AuthFailure.SignatureFailure.*request id: [0-9a-f-]{36}`),
			},
		},
	})
	// Neither error is retried: one request each per read.
	for _, r := range srv.Requests() {
		if r.Code != "ResourceNotFound" && r.Code != "AuthFailure.SignatureFailure" {
			t.Errorf("unexpected request outcome %+v", r)
		}
	}
}

func TestAccTCSSAbnormalProcessInvalidArguments(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{})
	cases := []struct{ name, body, want string }{
		{"empty event_id", `event_id = ""`, `(?s)event_id.*string length must be at least 1`},
		{"missing event_id", `region = "ap-guangzhou"`, `(?s)The argument "event_id" is required`},
		{"event_id with spaces", `event_id = " 5202566 "`, `(?s)Invalid event_id.*event_id has spaces around it: got " 5202566 "; use "5202566"\.`},
		{"empty region", `event_id = "5202566"` + "\n" + `region = ""`, `(?s)region.*string length must be at least 1`},
		{"unknown argument", `event_id = "5202566"` + "\n" + `event = "x"`, `(?s)Unsupported argument`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(srv, "", "") + "data \"cwpp_tcss_abnormal_process\" \"bad\" {\n" + tc.body + "\n}",
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("invalid arguments sent %d requests; want none", n)
	}
}

func TestAccTCSSAbnormalProcessForEach(t *testing.T) {
	const n = 50
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: n})
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%q", localcloud.TCSSGeneratedEventID(i+1))
	}
	want := map[string]knownvalue.Check{}
	for i := 1; i <= n; i++ {
		pid := localcloud.TCSSGeneratedProcessID(i)
		want[localcloud.TCSSGeneratedEventID(i)] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"event_id":   str(localcloud.TCSSGeneratedEventID(i)),
			"pid":        knownvalue.Int64Exact(pid),
			"parent_pid": knownvalue.Int64Exact(pid - 1),
			"level":      str(localcloud.TCSSGeneratedRuleLevel(i)),
			"cmd_line":   str("nc -e *"),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(srv, "", "") + fmt.Sprintf(`
data "cwpp_tcss_abnormal_process" "all" {
  for_each = toset([%s])
  event_id = each.value
}
output "events" {
  value = { for id, e in data.cwpp_tcss_abnormal_process.all : id => {
    event_id   = e.event_base_info.event_id
    pid        = e.process_info.process_id
    parent_pid = e.process_info.process_tree_nodes[1].pid
    level      = e.event_detail.match_rule.rule_level
    cmd_line   = e.event_detail.match_rule.cmd_line
  } }
}
output "high" {
  value = sort([for id, e in data.cwpp_tcss_abnormal_process.all : id if e.event_detail.match_rule.rule_level == "HIGH"])
}`, strings.Join(ids, ", ")),
			// terraform-plugin-testing cannot shim for_each instances into its
			// legacy state, so this step stops at the plan, where the data
			// sources are read, and checks the planned outputs.
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectKnownOutputValue("events", knownvalue.MapExact(want)),
				plancheck.ExpectKnownOutputValue("high", knownvalue.ListSizeExact(n/3)),
			}},
		}},
	})
}
