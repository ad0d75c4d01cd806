package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/google/go-cmp/cmp"
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
	var got struct {
		References []map[string]any `json:"references"`
		Errors     []map[string]any `json:"errors"`
		Notes      []map[string]any `json:"notes"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("--json output is not one JSON object: %v\n%s", err, out)
	}
	if len(got.References) != 1 || got.Errors == nil || got.Notes == nil {
		t.Fatalf("got %d references, errors %v, notes %v", len(got.References), got.Errors, got.Notes)
	}
	// Paths are as typed from the current directory, like bump's.
	file := filepath.ToSlash(filepath.Join(dir, "deploy.env"))
	want := map[string]any{
		"file": file, "line": 1.0, "column": 3.0,
		"arn":       "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:46",
		"partition": "aws", "region": "us-east-1", "account": "017000801446",
		"layer": "AWSLambdaPowertoolsPythonV2", "version": 46.0,
		"version_at": map[string]any{"file": file, "line": 1.0, "column": 75.0},
		"format":     "text", "context": "A",
	}
	for k, v := range want {
		if g, ok := got.References[0][k]; !ok || !jsonEqual(g, v) {
			t.Errorf("%s = %v, want %v", k, g, v)
		}
	}

	code, out, _ = runCLI(t, "scan", dir)
	if code != 0 || out != file+":1:3  arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:46  (text: A)\n" {
		t.Errorf("human output: exit %d, %q", code, out)
	}
}

// Several PATHs stay distinguishable, and what a scan could not read or
// parse is in the JSON, located and kinded, not only on stderr.
func TestScanReportsProblems(t *testing.T) {
	t.Parallel()
	pin := "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:46"
	a, b := t.TempDir(), t.TempDir()
	files := map[string]string{
		filepath.Join(a, "deploy.sh"):     "L=" + pin + "\n",
		filepath.Join(b, "deploy.sh"):     "L=" + pin + "\n",
		filepath.Join(b, "template.yaml"): "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  - " + pin + "\n\t: x\n",
		filepath.Join(b, "big.sh"):        strings.Repeat("#", 10<<20) + "\n" + pin + "\n",
	}
	for p, body := range files {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, _ := runCLI(t, "scan", "--json", a, b)
	var got struct {
		References []ref.Reference   `json:"references"`
		Errors     []problem.Problem `json:"errors"`
		Notes      []problem.Problem `json:"notes"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, r := range got.References {
		refs = append(refs, r.File)
	}
	sa, sb := filepath.ToSlash(a), filepath.ToSlash(b)
	if diff := cmp.Diff([]string{sa + "/deploy.sh", sb + "/deploy.sh", sb + "/template.yaml"}, refs); diff != "" {
		t.Errorf("reference files (-want +got):\n%s", diff)
	}
	if code != 1 || len(got.Errors) != 1 || got.Errors[0].Kind != problem.Parse || got.Errors[0].File != sb+"/template.yaml" || got.Errors[0].Line != 3 {
		t.Errorf("exit %d, errors %+v; want 1 and a parse error at %s/template.yaml:3", code, got.Errors, sb)
	}
	if len(got.Notes) != 1 || got.Notes[0].Kind != problem.TooLarge || got.Notes[0].File != sb+"/big.sh" {
		t.Errorf("notes %+v, want big.sh too large", got.Notes)
	}

	// Named on its own, a file over the limit is an error, not silence.
	code, _, errOut := runCLI(t, "scan", filepath.Join(b, "big.sh"))
	if code != 1 || !strings.Contains(errOut, "error: "+sb+"/big.sh: ") || !strings.Contains(errOut, "over the size limit") {
		t.Errorf("named big file: exit %d, stderr %q", code, errOut)
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
		{"nothing found is success", []string{"scan", "--json", empty}, 0, "{\n  \"references\": [],\n  \"functions\": [],\n  \"errors\": [],\n  \"notes\": []\n}\n", ""},
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

// Every run ends with a one-line summary on stderr; --version names the
// build.
func TestSummaryAndVersion(t *testing.T) {
	reg := demoCopy(t)
	_, _, stderr := runCLI(t, "scan", "demo")
	if !strings.HasSuffix(stderr, "7 pins in 5 files, 0 errors, 0 notes\n") {
		t.Errorf("scan summary: %q", stderr)
	}
	_, _, stderr = runCLI(t, "bump", reg, "demo")
	if !strings.HasSuffix(stderr, "7 pins in 5 files, 7 can move, 0 errors\n") {
		t.Errorf("bump summary: %q", stderr)
	}
	code, stdout, _ := runCLI(t, "--version")
	if code != 0 || !strings.HasPrefix(stdout, "bumpbot version ") || !strings.Contains(stdout, "go1.") {
		t.Errorf("--version: exit %d, %q", code, stdout)
	}
}

// scan --json ties layers to the functions that attach them, in order.
func TestScanFunctions(t *testing.T) {
	demoCopy(t)
	_, stdout, _ := runCLI(t, "scan", "--json", "demo")
	var got struct {
		Functions []struct {
			File, Function string
			Layers         []string
		} `json:"functions"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	var fns []string
	for _, f := range got.Functions {
		fns = append(fns, f.Function+":"+strconv.Itoa(len(f.Layers)))
	}
	if strings.Join(fns, " ") != "ReportFunction:2 resize:1 aws_lambda_function.ingest:2" {
		t.Errorf("functions %v", fns)
	}
}
