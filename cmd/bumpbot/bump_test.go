package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/testtool"
	"github.com/google/go-cmp/cmp"
)

// demoCopy copies the repository's testdata/demo into a temporary
// directory, makes it the working directory (so diff paths are relative,
// as a user would see them) and returns the registry flag for the demo
// registry.
func demoCopy(t *testing.T) string {
	t.Helper()
	reg, err := filepath.Abs("../../testdata/registry")
	if err != nil {
		t.Fatal(err)
	}
	src, _ := filepath.Abs("../../testdata/demo")
	dst := t.TempDir()
	err = filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, "demo", rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o640)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dst)
	// Inventories are cached under the user cache directory: keep the
	// tests' cache to themselves.
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	return "--registry=dir:" + reg
}

func TestBumpDiff(t *testing.T) {
	reg := demoCopy(t)
	code, stdout, stderr := runCLI(t, "bump", reg, "demo")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"--- a/demo/terraform/variables.tf\n+++ b/demo/terraform/variables.tf\n",
		"-  default     = 3\n+  default     = 7\n",
		"-      - arn:aws:lambda:eu-west-1:123456789012:layer:node-utils:10\n+      - arn:aws:lambda:eu-west-1:123456789012:layer:node-utils:14\n",
		"+        - arn:aws:lambda:us-east-1:123456789012:layer:pandas-py:3\n", // 4 needs python3.12
		"## Changelog",
		"#### Layer `requests-py312`: version 3 → 7",
		"| [requests](https://pypi.org/project/requests/) | python | 2.31.0 | 2.32.3 | upgraded |",
		"| [charset-normalizer](https://pypi.org/project/charset-normalizer/) | python | — | 3.3.2 | added |",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "skipped version 4 supports python3.12, python3.13, not python3.11") {
		t.Errorf("stderr does not say why pandas-py stops at 3:\n%s", stderr)
	}
	before, _ := os.ReadFile("demo/terraform/variables.tf")
	if !strings.Contains(string(before), "default     = 3") {
		t.Error("bump without --write changed a file")
	}
	gitApplyCheck(t, stdout)
}

// gitApplyCheck checks with git itself that diff applies to the working
// directory.
func gitApplyCheck(t *testing.T, diff string) {
	t.Helper()
	git := testtool.Need(t, "git")
	cmd := exec.Command(git, "apply", "--check", "-")
	cmd.Stdin = strings.NewReader(diff)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply --check: %v\n%s", err, out)
	}
}

func TestBumpWrite(t *testing.T) {
	reg := demoCopy(t)
	code, stdout, stderr := runCLI(t, "bump", reg, "--write", "demo")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "demo/serverless/serverless.yml:15:9: node-utils 10 -> 14") {
		t.Errorf("--write output:\n%s", stdout)
	}
	b, _ := os.ReadFile("demo/terraform/variables.tf")
	if !strings.Contains(string(b), "default     = 7") {
		t.Errorf("variables.tf not bumped:\n%s", b)
	}
	st, _ := os.Stat("demo/terraform/variables.tf")
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want 0640 kept", st.Mode().Perm())
	}
	leftovers, _ := filepath.Glob("demo/terraform/.*bumpbot*")
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	// A second run has nothing left to do.
	code, stdout, _ = runCLI(t, "bump", reg, "demo")
	if code != 0 || strings.Contains(stdout, "--- a/") {
		t.Errorf("second run: exit %d, output:\n%s", code, stdout)
	}
}

func TestBumpJSON(t *testing.T) {
	reg := demoCopy(t)
	if err := os.WriteFile("demo/broken.txt", []byte("arn:aws:lambda:us-east-1:123456789012:layer:missing-layer:1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "bump", reg, "--json", "demo")
	if code != 1 {
		t.Fatalf("exit %d with an error reported, want 1; stderr:\n%s", code, stderr)
	}
	var raw map[string][]map[string]any
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, stdout)
	}
	if diff := cmp.Diff([]string{"changelogs", "changes", "errors", "notes"}, keys(raw)); diff != "" {
		t.Errorf("top-level keys (-want +got):\n%s", diff)
	}
	if len(raw["changes"]) != 7 {
		t.Errorf("%d changes, want 7 (the error does not stop the others)", len(raw["changes"]))
	}
	wantChange := map[string]any{
		"file": "demo/serverless/serverless.yml", "line": 15.0, "column": 9.0, "layer": "node-utils", "from": 10.0, "to": 14.0,
		"partition": "aws", "region": "eu-west-1", "account": "123456789012", "function": "resize",
		"version_at": map[string]any{"file": "demo/serverless/serverless.yml", "line": 15.0, "column": 64.0},
		"arn_from":   "arn:aws:lambda:eu-west-1:123456789012:layer:node-utils:10",
		"arn_to":     "arn:aws:lambda:eu-west-1:123456789012:layer:node-utils:14",
	}
	// The version of this one lives in a variable: version_at is where the
	// edit lands, relative to here like every path.
	wantVar := map[string]any{"file": "demo/terraform/variables.tf", "line": 4.0, "column": 17.0}
	found, foundVar := false, false
	for _, c := range raw["changes"] {
		found = found || cmp.Equal(c, wantChange)
		foundVar = foundVar || c["file"] == "demo/terraform/main.tf" && cmp.Equal(c["version_at"], wantVar)
	}
	if !found || !foundVar {
		t.Errorf("no change %v, or none with version_at %v, in %v", wantChange, wantVar, raw["changes"])
	}
	wantErr := map[string]any{"file": "demo/broken.txt", "line": 1.0, "column": 1.0, "kind": "not-found",
		"message": "arn:aws:lambda:us-east-1:123456789012:layer:missing-layer: layer not in registry: layer version not found"}
	if len(raw["errors"]) != 1 || !cmp.Equal(raw["errors"][0], wantErr) {
		t.Errorf("errors = %v, want [%v]", raw["errors"], wantErr)
	}

	// Nothing to do: empty arrays, not null.
	if err := os.MkdirAll("empty", 0o755); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runCLI(t, "bump", reg, "--json", "empty")
	if code != 0 || strings.Join(strings.Fields(stdout), "") != `{"changes":[],"changelogs":[],"errors":[],"notes":[]}` {
		t.Errorf("empty run: exit %d, %s", code, stdout)
	}
}

func TestBumpExitCodes(t *testing.T) {
	reg := demoCopy(t)
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"ok", []string{"bump", reg, "demo"}, 0},
		{"bad strategy", []string{"bump", reg, "--strategy", "newest", "demo"}, 2},
		{"bad registry", []string{"bump", "--registry", "s3", "demo"}, 2},
		{"no path", []string{"bump", reg}, 2},
		{"missing path", []string{"bump", reg, "does-not-exist"}, 1},
		{"region placeholder without regions", []string{"bump", reg, "--regions", "", "placeholder.yaml"}, 1},
	}
	tmpl := "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Layers:\n        - !Sub arn:aws:lambda:${AWS::Region}:123456789012:layer:node-utils:10\n"
	if err := os.WriteFile("placeholder.yaml", []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if code, _, stderr := runCLI(t, tc.args...); code != tc.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.want, stderr)
			}
		})
	}
}

// Several PATHs, files among them: each diff names the file as typed, a
// named Markdown file is bumped (as scan reads it), a binary one is not.
func TestBumpPathArguments(t *testing.T) {
	reg := demoCopy(t)
	pin := "arn:aws:lambda:eu-west-1:123456789012:layer:node-utils:10"
	for name, body := range map[string]string{"NOTES.md": "Pinned: " + pin + "\n", "blob.bin": "\x00" + pin + "\n"} {
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runCLI(t, "bump", reg, "./demo/serverless/", "NOTES.md", "blob.bin", "./demo/terraform/main.tf")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var heads []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "+++ ") {
			heads = append(heads, l)
		}
	}
	want := []string{"+++ b/demo/serverless/serverless.yml", "+++ b/NOTES.md", "+++ b/./demo/terraform/main.tf"}
	if diff := cmp.Diff(want, heads); diff != "" {
		t.Errorf("diff headers (-want +got):\n%s\n%s", diff, stdout)
	}
	if i, j := strings.Index(stdout, "+++ b/NOTES.md"), strings.Index(stdout, "## Changelog"); i < 0 || j < i {
		t.Errorf("changelog not after every diff:\n%s", stdout)
	}
}

// Two layers pinned on one line are both bumped by --write: the working
// tree gets one change carrying every edit.
func TestBumpWriteTwoLayersInOneFile(t *testing.T) {
	reg := demoCopy(t)
	src := "layers: [arn:aws:lambda:us-east-1:123456789012:layer:node-utils:1, arn:aws:lambda:us-east-1:123456789012:layer:requests-py312:3]\n"
	if err := os.WriteFile("two.txt", []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "bump", reg, "--write", "two.txt")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	got, _ := os.ReadFile("two.txt")
	if strings.Contains(string(got), "node-utils:1,") || strings.Contains(string(got), "requests-py312:3]") {
		t.Errorf("two.txt after --write:\n%s\nstdout:\n%s", got, stdout)
	}
	if n := strings.Count(stdout, "two.txt:1:"); n != 2 {
		t.Errorf("%d changes reported, want 2:\n%s", n, stdout)
	}
}

func keys(m map[string][]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
