package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// TestAccProviderSchemaJSON builds the provider binary and asks the real CLI for
// its schema, as users and tfplugindocs see it.
func TestAccProviderSchemaJSON(t *testing.T) {
	host := providerHost(t)
	dir, env := cliWorkdir(t, requiredProviders)
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "providers", "schema", "-json")
	cmd.Dir = dir
	cmd.Env = env
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
					Attributes map[string]json.RawMessage `json:"attributes"`
					BlockTypes map[string]struct {
						NestingMode string `json:"nesting_mode"`
						Block       struct {
							Attributes map[string]struct {
								Type      any  `json:"type"`
								Optional  bool `json:"optional"`
								Sensitive bool `json:"sensitive"`
							} `json:"attributes"`
						} `json:"block"`
					} `json:"block_types"`
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
			"endpoint": false, "requests_per_second": false, "max_retries": false, "time_zone": false},
		"huaweicloud": {"access_key": false, "secret_key": true, "security_token": true, "region": false,
			"project_id": false, "endpoint": false, "requests_per_second": false, "max_retries": false},
	}
	// Blocks, so that a misspelled setting is an error (terraform#33570).
	if len(schema.Provider.Block.Attributes) != 0 {
		t.Errorf("the provider has top-level attributes %v; want only the two cloud blocks", schema.Provider.Block.Attributes)
	}
	for block, attrs := range want {
		bt, ok := schema.Provider.Block.BlockTypes[block]
		if !ok || bt.NestingMode != "single" {
			t.Errorf("%s: block present %v, nesting mode %q; want a single nested block", block, ok, bt.NestingMode)
		}
		got := bt.Block.Attributes
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
	for _, ds := range []string{"cwpp_tcss_abnormal_process", "cwpp_tcss_abnormal_processes", "cwpp_hss_app_whitelist_events"} {
		if _, ok := schema.DataSourceSchemas[ds]; !ok {
			t.Errorf("data source %s missing from the schema", ds)
		}
	}
}

// providerHost is the registry host the CLI under test resolves
// "cwpp-terraform/cwpp" to; it skips the test when no CLI is configured.
func providerHost(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" || os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Skip("set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run the CLI")
	}
	if host := os.Getenv("TF_ACC_PROVIDER_HOST"); host != "" {
		return host
	}
	return "registry.terraform.io"
}

// cliWorkdir builds the provider binary, and returns a directory holding
// main.tf and the environment that runs the real CLI there with the binary
// as a dev override, for tests that need the CLI as a user runs it.
func cliWorkdir(t *testing.T, mainTF string) (string, []string) {
	t.Helper()
	host := providerHost(t)
	dir := t.TempDir()
	bin, err := providerBinary()
	if err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(dir, "cli.tfrc")
	writeFile(t, rc, `provider_installation {
  dev_overrides {
    "`+host+`/cwpp-terraform/cwpp" = "`+bin+`"
  }
  direct {}
}
`)
	config := filepath.Join(dir, "config")
	if err := os.Mkdir(config, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(config, "main.tf"), mainTF)
	return config, append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1")
}

// providerBinary builds the provider once per test process, into a
// directory of its own that dev_overrides can point at.
var providerBinary = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(testTempDir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-cwpp"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
