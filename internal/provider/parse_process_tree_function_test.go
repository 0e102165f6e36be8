package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Provider-defined functions need Terraform 1.8 or OpenTofu 1.7: this test
// runs with Terraform 1.16.4 and OpenTofu 1.12.6 and skips with Terraform 1.5.7.
var functionsSupported = []tfversion.TerraformVersionCheck{
	tfversion.SkipBelow(version.Must(version.NewVersion("1.8.0"))),
}

func TestAccParseProcessTreeFunction(t *testing.T) {
	node := func(name string, pid knownvalue.Check) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact(name), "pid": pid})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   functionsSupported,
		Steps: []resource.TestStep{
			{
				Config: `
output "reference" {
  value = provider::cwpp::parse_process_tree("xenoncli(2907621)|containerd-shim(330852)|containerd(17863)|dockerd(17838)|systemd(1)")
}
output "odd_names" {
  value = provider::cwpp::parse_process_tree("a|b(5)|kworker/0:1(events)()")
}
output "empty" {
  value = provider::cwpp::parse_process_tree("")
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("reference", knownvalue.ListExact([]knownvalue.Check{
						node("xenoncli", knownvalue.Int64Exact(2907621)), node("containerd-shim", knownvalue.Int64Exact(330852)),
						node("containerd", knownvalue.Int64Exact(17863)), node("dockerd", knownvalue.Int64Exact(17838)),
						node("systemd", knownvalue.Int64Exact(1)),
					})),
					statecheck.ExpectKnownOutputValue("odd_names", knownvalue.ListExact([]knownvalue.Check{
						node("a|b", knownvalue.Int64Exact(5)), node("kworker/0:1(events)", knownvalue.Null()),
					})),
					statecheck.ExpectKnownOutputValue("empty", knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config:      `output "bad" { value = provider::cwpp::parse_process_tree("not a tree") }`,
				ExpectError: regexp.MustCompile(`(?s)Invalid process tree.*does not end with "\(pid\)"`),
			},
		},
	})
}
