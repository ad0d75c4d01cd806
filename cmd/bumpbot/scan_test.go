package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs bumpbot in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestScanCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := "A=arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:46\n"
	if err := os.WriteFile(filepath.Join(dir, "deploy.env"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCLI(t, "scan", "--json", dir)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("--json output is not one JSON array: %v\n%s", err, out)
	}
	if len(got) != 1 {
		t.Fatalf("got %d references", len(got))
	}
	want := map[string]any{
		"file": "deploy.env", "line": 1.0, "column": 3.0,
		"arn":       "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:46",
		"partition": "aws", "region": "us-east-1", "account": "017000801446",
		"layer": "AWSLambdaPowertoolsPythonV2", "version": 46.0,
		"version_at": map[string]any{"file": "deploy.env", "line": 1.0, "column": 75.0},
		"format":     "text", "context": "A",
	}
	for k, v := range want {
		if g, ok := got[0][k]; !ok || !jsonEqual(g, v) {
			t.Errorf("%s = %v, want %v", k, g, v)
		}
	}

	code, out, _ = runCLI(t, "scan", dir)
	if code != 0 || out != "deploy.env:1:3  arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:46  (text: A)\n" {
		t.Errorf("human output: exit %d, %q", code, out)
	}
}

func TestScanExitCodes(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   string
		inStderr string
	}{
		{"nothing found is success", []string{"scan", "--json", empty}, 0, "[]\n", ""},
		{"missing path is an error", []string{"scan", filepath.Join(empty, "nope")}, 1, "", "no such file"},
		{"no path is a usage error", []string{"scan"}, 2, "", "requires at least 1 arg"},
		{"unknown flag is a usage error", []string{"scan", "--bogus", empty}, 2, "", "unknown flag"},
		{"unknown command is a usage error", []string{"frobnicate"}, 2, "", "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCLI(t, tt.args...)
			if code != tt.code || out != tt.stdout || !strings.Contains(errOut, tt.inStderr) {
				t.Errorf("exit %d stdout %q stderr %q; want exit %d stdout %q stderr containing %q",
					code, out, errOut, tt.code, tt.stdout, tt.inStderr)
			}
		})
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
