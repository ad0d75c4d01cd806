package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/bump"
)

// bump honours PATH/.github/bumpbot.yml as the App does: excluded paths
// are not read, an ignored layer is not bumped, and ignored versions are
// stepped over to the newest one allowed. Flags win over the file.
func TestBumpHonoursRepoConfig(t *testing.T) {
	reg := demoCopy(t)
	cfg := `version: 1
paths: {exclude: ["cdk/**"]}
strategy: latest
ignore:
  - {layer: "LambdaInsights*"}
  - {layer: "requests-py312", versions: ["> 5"]}
`
	if err := os.MkdirAll("demo/.github", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("demo/.github/bumpbot.yml", []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "bump", reg, "--json", "demo")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s\n%s", code, stderr, stdout)
	}
	var r bump.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range r.Changes {
		got[c.File+" "+c.Layer] = c.ARNTo[strings.LastIndex(c.ARNTo, ":")+1:]
	}
	if _, ok := got["demo/cdk/lib/api-stack.ts node-utils"]; ok {
		t.Errorf("an excluded path was bumped: %v", got)
	}
	if _, ok := got["demo/terraform/main.tf LambdaInsightsExtension"]; ok {
		t.Errorf("an ignored layer was bumped: %v", got)
	}
	if v := got["demo/sam/template.yaml requests-py312"]; v != "5" {
		t.Errorf("requests-py312 moved to %q, want 5 (6 and 7 ignored): %v", v, got)
	}
	if v := got["demo/serverless/serverless.yml node-utils"]; v != "14" {
		t.Errorf("node-utils in serverless.yml moved to %q, want 14: %v", v, got)
	}
	var notes []string
	for _, n := range r.Notes {
		notes = append(notes, string(n.Kind)+" "+n.Message)
	}
	if !strings.Contains(strings.Join(notes, "\n"), "ignored LambdaInsightsExtension: ignored by the configuration") ||
		!strings.Contains(strings.Join(notes, "\n"), "ignored requests-py312: version 7 ignored by the configuration") {
		t.Errorf("notes do not say what was ignored:\n%s", strings.Join(notes, "\n"))
	}

	// --strategy on the command line wins over the file's.
	code, stdout, _ = runCLI(t, "bump", reg, "--json", "--strategy", "next", "demo/serverless")
	if code != 0 || !strings.Contains(stdout, `"to": 11`) {
		t.Errorf("--strategy next over the file's latest: exit %d\n%s", code, stdout)
	}
}

// A broken configuration is reported with its line and column and its
// PATH is left alone; other PATHs are still bumped.
func TestBumpBrokenRepoConfig(t *testing.T) {
	reg := demoCopy(t)
	if err := os.MkdirAll("demo/sam/.github", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("demo/sam/.github/bumpbot.yml", []byte("version: 1\nstrategy: newest\nignor: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "bump", reg, "demo/sam", "demo/serverless")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{
		`error: demo/sam/.github/bumpbot.yml:3:1: unknown key "ignor"`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stdout, "+++ b/demo/sam/") || !strings.Contains(stdout, "+++ b/demo/serverless/serverless.yml") {
		t.Errorf("the broken PATH was bumped, or the other was not:\n%s", stdout)
	}
	// Values are checked too, once the keys are right.
	os.WriteFile("demo/sam/.github/bumpbot.yml", []byte("version: 1\nstrategy: newest\nregions: [us-east-1, mars-1]\n"), 0o644)
	_, _, stderr = runCLI(t, "bump", reg, "demo/sam")
	for _, want := range []string{
		`demo/sam/.github/bumpbot.yml:2:1: strategy "newest": want latest or next`,
		`demo/sam/.github/bumpbot.yml:3:1: regions: "mars-1" is not an AWS region name`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}
