package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/testtool"
)

const testPolicy = `version: 1
rules:
  - layer: "arn:aws:lambda:*:017000801446:layer:AWSLambdaPowertoolsPythonV2"
    minimum: 60
    reason: "aws-lambda-powertools < 2.30 leaks secrets in logs"
    link: https://example.com/advisory/123
  - layer: node-utils
    deny: [10]
    deadline: 2026-12-31
enforcement: {check: changed-lines}
`

// audit answers "where are we exposed?": each pin a rule rejects, located,
// with the rule's reason; a violation before its deadline is a note.
func TestAudit(t *testing.T) {
	demoCopy(t)
	if err := os.WriteFile("policy.yml", []byte(testPolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(old func() time.Time) { now = old }(now)
	now = func() time.Time { return time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) }
	code, stdout, stderr := runCLI(t, "audit", "--policy", "policy.yml", "demo")
	if code != 3 {
		t.Errorf("exit %d, want 3 (a violation is due); stderr %s", code, stderr)
	}
	for _, want := range []string{
		"demo/.github/workflows/deploy.yml:7:21: error: AWSLambdaPowertoolsPythonV2:46: version 46 is below the minimum 60: aws-lambda-powertools < 2.30 leaks secrets in logs (https://example.com/advisory/123)\n",
		"demo/serverless/serverless.yml:15:9: note: node-utils:10: version 10 is withdrawn (denied); deadline 2026-12-31\n",
		"7 pins checked: 2 violate the policy (1 due), 0 errors\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// After the deadline the withdrawn version is due too.
	now = func() time.Time { return time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) }
	_, stdout, _ = runCLI(t, "audit", "--policy", "policy.yml", "--json", "demo")
	var got struct {
		Violations []map[string]any `json:"violations"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	due := 0
	for _, v := range got.Violations {
		if v["due"] == true {
			due++
		}
	}
	if len(got.Violations) != 2 || due != 2 || got.Violations[1]["deadline"] != "2026-12-31" {
		t.Errorf("violations %v", got.Violations)
	}
	// A policy that does not parse is a usage error naming line and column.
	os.WriteFile("bad.yml", []byte("version: 1\nrules:\n  - layer: x\n    minimun: 3\n"), 0o644)
	code, _, stderr = runCLI(t, "audit", "--policy", "bad.yml", "demo")
	if code != 2 || !strings.Contains(stderr, `bad.yml:4:5: unknown key "minimun"`) {
		t.Errorf("bad policy: exit %d, stderr %q", code, stderr)
	}
}

// bump never lands on a version the policy denies: it steps over it, and
// says the policy did, not the configuration.
func TestBumpRespectsPolicy(t *testing.T) {
	reg := demoCopy(t)
	os.WriteFile("policy.yml", []byte("version: 1\nrules:\n  - {layer: requests-py312, deny: [7, 6]}\n"), 0o644)
	code, stdout, stderr := runCLI(t, "bump", reg, "--policy", "policy.yml", "demo/sam")
	if code != 0 || !strings.Contains(stdout, "layer:requests-py312:5") {
		t.Errorf("exit %d, want requests-py312 moved to 5 (6 and 7 denied):\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout+stderr, "version 7, 6 rejected by the security policy") || strings.Contains(stdout+stderr, "ignored by the configuration") {
		t.Errorf("the note does not name the policy:\n%s\n%s", stdout, stderr)
	}
}

// audit --since is a pull request's required check: a violating pin the
// change adds (or keeps on a line it edits) fails it with its exact line;
// one it leaves alone is a note.
func TestAuditSince(t *testing.T) {
	git := testtool.Need(t, "git")
	dir := t.TempDir()
	t.Chdir(dir)
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(git, args...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	old := "L=arn:aws:lambda:us-east-1:123456789012:layer:node-utils:10\n"
	os.MkdirAll("repo", 0o755)
	os.WriteFile("repo/old.sh", []byte(old), 0o644)
	os.WriteFile("policy.yml", []byte("version: 1\nrules:\n  - {layer: node-utils, minimum: 12, reason: old}\n"), 0o644)
	run("-C", "repo", "init", "-q")
	run("-C", "repo", "add", ".")
	run("-C", "repo", "commit", "-q", "-m", "base")
	os.WriteFile("repo/new.sh", []byte("# new\nM=arn:aws:lambda:us-east-1:123456789012:layer:node-utils:11\n"), 0o644)
	code, stdout, stderr := runCLI(t, "audit", "--policy", "policy.yml", "--since", "HEAD", "repo")
	if code != 3 || !strings.Contains(stdout, "repo/new.sh:2:3: error: node-utils:11: version 11 is below the minimum 12") ||
		!strings.Contains(stdout, "repo/old.sh:1:3: note: node-utils:10") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	// A line edited in a tracked file is changed; the lines around it are not.
	run("-C", "repo", "add", ".")
	run("-C", "repo", "commit", "-q", "-m", "add new.sh")
	os.WriteFile("repo/old.sh", []byte(old+"N=arn:aws:lambda:us-east-1:123456789012:layer:node-utils:9\n"), 0o644)
	code, stdout, _ = runCLI(t, "audit", "--policy", "policy.yml", "--since", "HEAD", "repo")
	if code != 3 || !strings.Contains(stdout, "repo/old.sh:2:3: error:") || !strings.Contains(stdout, "repo/old.sh:1:3: note:") || !strings.Contains(stdout, "repo/new.sh:2:3: note:") {
		t.Errorf("edited line: exit %d\n%s", code, stdout)
	}
	// With enforcement off the check reports and passes.
	os.WriteFile("policy.yml", []byte("version: 1\nrules:\n  - {layer: node-utils, minimum: 12}\nenforcement: {check: \"off\"}\n"), 0o644)
	if code, stdout, _ := runCLI(t, "audit", "--policy", "policy.yml", "--since", "HEAD", "repo"); code != 0 || !strings.Contains(stdout, "repo/new.sh:2:3: note:") {
		t.Errorf("enforcement off: exit %d\n%s", code, stdout)
	}
}

// audit --advisories looks inside the pinned layer versions: a package an
// advisory affects, which the newest version no longer holds, makes the
// pin a violation.
func TestAuditAdvisories(t *testing.T) {
	osv, err := filepath.Abs("../../internal/advisory/testdata/osv")
	if err != nil {
		t.Fatal(err)
	}
	reg := demoCopy(t)
	code, stdout, stderr := runCLI(t, "audit", reg, "--advisories", osv, "demo/sam")
	want := "demo/sam/template.yaml:21:11: error: requests-py312:3: contains urllib3 2.0.4, affected by GHSA-v845-jxx5-vc9f (urllib3 does not remove the Cookie header during cross-origin redirects); layer version 7 no longer does\n"
	if code != 3 || !strings.Contains(stdout, want) {
		t.Errorf("exit %d, want 3 and %q\n%s\n%s", code, want, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "audit", "demo/sam"); code != 2 || !strings.Contains(stderr, "--policy FILE or --advisories DIR is required") {
		t.Errorf("neither: exit %d %s", code, stderr)
	}
}
