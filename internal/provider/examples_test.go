package provider

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
)

// TestAccExamples checks every directory of examples/ as users get it from the
// docs: formatted, and valid against the provider's schema.
func TestAccExamples(t *testing.T) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	providerHost(t) // skips without TF_ACC
	dirs := map[string]bool{}
	err := filepath.WalkDir("../../examples", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".tf") {
			dirs[filepath.Dir(path)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 6 {
		t.Fatalf("found only %d example directories", len(dirs))
	}
	for dir := range dirs {
		name, _ := filepath.Rel("../../examples", dir)
		t.Run(name, func(t *testing.T) {
			if strings.HasPrefix(name, "functions") && !cliSupportsFunctions(t, cli) {
				t.Skip("provider-defined functions need Terraform 1.8 or OpenTofu 1.7")
			}
			files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
			if err != nil {
				t.Fatal(err)
			}
			var sources []string
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				sources = append(sources, string(data))
			}
			all := strings.Join(sources, "\n")
			if !strings.Contains(all, "required_providers") {
				// Snippets rely on the docs' provider page for the source address.
				all += "\n" + requiredProviders
			}
			work, env := cliWorkdir(t, all)
			if out, err := exec.Command(cli, "fmt", "-check", "-diff", "-recursive", dir).CombinedOutput(); err != nil {
				t.Errorf("%s is not formatted: %v\n%s", dir, err, out)
			}
			cmd := exec.Command(cli, "validate", "-no-color")
			cmd.Dir, cmd.Env = work, env
			if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "The configuration is valid") {
				t.Errorf("validate %s: %v\n%s", dir, err, out)
			}
		})
	}
}

// cliSupportsFunctions tells Terraform 1.8+ and OpenTofu 1.7+ from older CLIs.
func cliSupportsFunctions(t *testing.T, cli string) bool {
	t.Helper()
	out, err := exec.Command(cli, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	product, v, _ := strings.Cut(first, " v")
	parsed, err := version.NewVersion(strings.TrimSpace(v))
	if err != nil {
		t.Fatalf("cannot read the CLI's version from %q", first)
	}
	minimum := "1.8.0"
	if product == "OpenTofu" {
		minimum = "1.7.0"
	}
	return parsed.GreaterThanOrEqual(version.Must(version.NewVersion(minimum)))
}
