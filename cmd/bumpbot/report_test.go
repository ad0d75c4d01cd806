package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/fleet"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// report: one row per pin across two checkouts, worst first, with a
// summary; the JSON rows are the same facts.
func TestReport(t *testing.T) {
	reg := t.TempDir()
	reconciletest.Publish(t, reg, "us-east-1", reconciletest.Account, "mylayer", 3, 5)
	work := t.TempDir()
	t.Chdir(work)
	pin := func(v string) string { return "arn:aws:lambda:us-east-1:123456789012:layer:mylayer:" + v }
	files := map[string]string{
		"api/main.tf":   `resource "aws_lambda_function" "f" { layers = ["` + pin("3") + `"] }` + "\n",
		"api/cur.sh":    "L=" + pin("5") + "\n",
		"jobs/gone.sh":  "L=" + pin("4") + "\n",
		"jobs/nope.txt": "arn:aws:lambda:us-east-1:123456789012:layer:unknown:1\n",
	}
	for p, body := range files {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile("policy.yml", []byte("version: 1\nrules:\n  - {layer: mylayer, deny: [3], reason: withdrawn build}\n"), 0o644)
	args := []string{"report", "--registry", "dir:" + reg, "--policy", "policy.yml", "api", "jobs"}
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	goldenFile(t, "testdata/report.txt", stdout)

	code, stdout, _ = runCLI(t, append(args, "--json")...)
	var got struct {
		Pins    []fleet.Row   `json:"pins"`
		Summary fleet.Summary `json:"summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); code != 0 || err != nil {
		t.Fatalf("exit %d, %v", code, err)
	}
	var statuses []string
	for _, r := range got.Pins {
		statuses = append(statuses, r.Repository+" "+r.File+" "+string(r.Status))
	}
	want := "api main.tf violation|jobs gone.sh deleted|jobs nope.txt error|api cur.sh current"
	if strings.Join(statuses, "|") != want || got.Summary.Pins != 4 || got.Summary.Repositories != 2 {
		t.Errorf("rows %v, summary %+v; want %s", statuses, got.Summary, want)
	}
	code, stdout, _ = runCLI(t, append(args, "--csv")...)
	if code != 0 || !strings.HasPrefix(stdout, "status,repository,file,line,arn,layer,pinned,newest,rule,detail\nviolation,api,main.tf,1,") {
		t.Errorf("csv:\n%s", stdout)
	}
}

func goldenFile(t *testing.T, path, got string) {
	t.Helper()
	abs := filepath.Join(testdataDir, filepath.FromSlash(strings.TrimPrefix(path, "testdata/")))
	if *update {
		if err := os.WriteFile(abs, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(abs)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// testdataDir is this package's testdata, found before tests change
// directory.
var testdataDir, _ = filepath.Abs("testdata")
