package provider

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestAccProviderSchemaJSON builds the provider binary and asks the real CLI for
// its schema, as users and tfplugindocs see it.
func TestAccProviderSchemaJSON(t *testing.T) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run the CLI")
	}
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-cwpp"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "cli.tfrc")
	writeFile(t, rc, `provider_installation {
  dev_overrides {
    "`+host+`/cwpp-terraform/cwpp" = "`+bin+`"
  }
  direct {}
}
`)
	writeFile(t, filepath.Join(dir, "main.tf"), `terraform {
  required_providers {
    cwpp = { source = "cwpp-terraform/cwpp" }
  }
}
`)
	cmd := exec.Command(cli, "providers", "schema", "-json")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("providers schema: %v\n%s", err, stderr.String())
	}

	var doc struct {
		ProviderSchemas map[string]struct {
			Provider struct {
				Block struct {
					Attributes map[string]struct {
						NestedType struct {
							Attributes map[string]struct {
								Type      any  `json:"type"`
								Optional  bool `json:"optional"`
								Sensitive bool `json:"sensitive"`
							} `json:"attributes"`
						} `json:"nested_type"`
					} `json:"attributes"`
				} `json:"block"`
			} `json:"provider"`
			DataSourceSchemas map[string]json.RawMessage `json:"data_source_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	schema, ok := doc.ProviderSchemas[host+"/cwpp-terraform/cwpp"]
	if !ok {
		t.Fatalf("no cwpp schema in %s", out)
	}
	want := map[string]map[string]bool{ // attribute -> sensitive
		"tencentcloud": {"secret_id": false, "secret_key": true, "security_token": true, "region": false,
			"endpoint": false, "requests_per_second": false, "max_retries": false},
		"huaweicloud": {"access_key": false, "secret_key": true, "security_token": true, "region": false,
			"project_id": false, "endpoint": false, "requests_per_second": false, "max_retries": false},
	}
	for block, attrs := range want {
		got := schema.Provider.Block.Attributes[block].NestedType.Attributes
		if len(got) != len(attrs) {
			t.Errorf("%s has %d attributes, want %d", block, len(got), len(attrs))
		}
		for name, sensitive := range attrs {
			a, ok := got[name]
			if !ok || !a.Optional || a.Sensitive != sensitive {
				t.Errorf("%s.%s: present %v, optional %v, sensitive %v; want optional, sensitive %v", block, name, ok, a.Optional, a.Sensitive, sensitive)
			}
		}
	}
	for _, ds := range []string{"cwpp_tcss_abnormal_process", "cwpp_hss_app_whitelist_events"} {
		if _, ok := schema.DataSourceSchemas[ds]; !ok {
			t.Errorf("data source %s missing from the schema", ds)
		}
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
