package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// writeLayerVersion publishes a python layer version holding requests at
// the given version into a directory registry.
func writeLayerVersion(t *testing.T, root string, v int, requests string) {
	t.Helper()
	dir := filepath.Join(root, "aws", "eu-west-1", "123456789012", "deps")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	z := layerziptest.BuildZip(t, []layerziptest.Entry{
		{Name: "python/requests-" + requests + ".dist-info/METADATA", Data: []byte("Metadata-Version: 2.1\nName: requests\nVersion: " + requests + "\n")},
	}, layerziptest.Shape{Method: zip.Deflate})
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.zip", v)), z, 0o644); err != nil {
		t.Fatal(err)
	}
	meta := `{"compatible_runtimes":["python3.12"],"license_info":"Apache-2.0"}`
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.json", v)), []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestChangelogCommand(t *testing.T) {
	t.Parallel()
	root, cache := t.TempDir(), t.TempDir()
	writeLayerVersion(t, root, 1, "2.31.0")
	writeLayerVersion(t, root, 2, "2.32.3")
	from := "arn:aws:lambda:eu-west-1:123456789012:layer:deps:1"
	to := "arn:aws:lambda:eu-west-1:123456789012:layer:deps:2"
	args := []string{"changelog", "--registry", "dir:" + root, "--cache-dir", cache, "--json", from, to}

	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	var got map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	if len(keys) != 5 || got["from"] != from || got["to"] != to {
		t.Errorf("top-level keys %v, from %v, to %v", keys, got["from"], got["to"])
	}
	pkgs, _ := json.Marshal(got["packages"])
	if want := `[{"change":"upgraded","ecosystem":"python","from":"2.31.0","name":"requests","to":"2.32.3"}]`; string(pkgs) != want {
		t.Errorf("packages %s, want %s", pkgs, want)
	}
	layer, _ := json.Marshal(got["layer"])
	if !strings.Contains(string(layer), `"runtimes":{"from":["python3.12"],"to":["python3.12"]}`) || !strings.Contains(string(layer), `"architectures":{"from":[],"to":[]}`) {
		t.Errorf("layer %s", layer)
	}
	if n, _ := got["bytes_read"].(float64); n <= 0 {
		t.Errorf("bytes_read %v on first run, want > 0", got["bytes_read"])
	}

	stdout.Reset()
	if code := run(args, &stdout, &stderr); code != exitOK {
		t.Fatalf("second run: exit %d, stderr %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), `"bytes_read": 0`) {
		t.Errorf("second run should read nothing (cached):\n%s", stdout.String())
	}

	stdout.Reset()
	if code := run([]string{"changelog", "--registry", "dir:" + root, "--cache-dir", cache, from, to}, &stdout, &stderr); code != exitOK {
		t.Fatalf("markdown: exit %d", code)
	}
	if !strings.Contains(stdout.String(), "| [requests](https://pypi.org/project/requests/) | python | 2.31.0 | 2.32.3 | upgraded |") {
		t.Errorf("markdown:\n%s", stdout.String())
	}
}

func TestChangelogUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"one argument", []string{"changelog", "arn:aws:lambda:eu-west-1:123456789012:layer:deps:1"}, exitUsage},
		{"not an ARN", []string{"changelog", "deps:1", "deps:2"}, exitUsage},
		{"layer without version", []string{"changelog", "arn:aws:lambda:eu-west-1:123456789012:layer:deps", "arn:aws:lambda:eu-west-1:123456789012:layer:deps:2"}, exitUsage},
		{"missing version", []string{"changelog", "--registry", "dir:testdata-missing", "arn:aws:lambda:eu-west-1:123456789012:layer:deps:1", "arn:aws:lambda:eu-west-1:123456789012:layer:deps:2"}, exitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != tt.code {
				t.Errorf("exit %d, want %d (stderr %s)", code, tt.code, stderr.String())
			}
		})
	}
}

// writeOSV writes one OSV advisory on requests below 2.32.0 into a folder.
func writeOSV(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	osv := `{"id":"GHSA-9wx4-h78v-vm56","aliases":["CVE-2024-35195"],"summary":"Requests Session keeps verify=False",
 "affected":[{"package":{"ecosystem":"PyPI","name":"requests"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.32.0"}]}]}]}`
	if err := os.WriteFile(filepath.Join(dir, "GHSA-9wx4-h78v-vm56.json"), []byte(osv), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestChangelogAdvisories(t *testing.T) {
	t.Parallel()
	root, osv := t.TempDir(), writeOSV(t)
	writeLayerVersion(t, root, 1, "2.31.0")
	writeLayerVersion(t, root, 2, "2.32.3")
	from := "arn:aws:lambda:eu-west-1:123456789012:layer:deps:1"
	to := "arn:aws:lambda:eu-west-1:123456789012:layer:deps:2"
	base := []string{"changelog", "--registry", "dir:" + root, "--no-cache", "--advisories", osv}

	var stdout, stderr bytes.Buffer
	if code := run(append(base, "--json", from, to), &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	var got struct {
		Advisories *struct {
			Fixed, Introduced []struct{ Advisory, Package, Version string }
		} `json:"advisories"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
	}
	if a := got.Advisories; a == nil || len(a.Fixed) != 1 || a.Fixed[0].Advisory != "GHSA-9wx4-h78v-vm56" || a.Fixed[0].Version != "2.31.0" || a.Introduced == nil || len(a.Introduced) != 0 {
		t.Errorf("advisories %+v in\n%s", got.Advisories, stdout.String())
	}

	stdout.Reset()
	if code := run(append(base, from, to), &stdout, &stderr); code != exitOK {
		t.Fatalf("markdown: exit %d", code)
	}
	if want := "- requests 2.31.0 → 2.32.3 fixes GHSA-9wx4-h78v-vm56 (CVE-2024-35195)"; !strings.Contains(stdout.String(), want) {
		t.Errorf("markdown lacks %q:\n%s", want, stdout.String())
	}

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "broken.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	if code := run([]string{"changelog", "--registry", "dir:" + root, "--no-cache", "--advisories", bad, from, to}, &stdout, &stderr); code != exitError || !strings.Contains(stderr.String(), "broken.json") {
		t.Errorf("a broken advisory file: exit %d, stderr %q", code, stderr.String())
	}
}

func TestBumpAdvisories(t *testing.T) {
	reg := demoCopy(t)
	code, stdout, stderr := runCLI(t, "bump", reg, "--advisories", writeOSV(t), "demo")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if want := "- requests 2.31.0 → 2.32.3 fixes GHSA-9wx4-h78v-vm56 (CVE-2024-35195)"; !strings.Contains(stdout, want) {
		t.Errorf("bump output lacks %q:\n%s", want, stdout)
	}
}
