package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
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
	if code != 1 {
		t.Errorf("exit %d, want 1 (a violation is due); stderr %s", code, stderr)
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

// bump never lands on a version the policy denies: it steps over it.
func TestBumpRespectsPolicy(t *testing.T) {
	reg := demoCopy(t)
	os.WriteFile("policy.yml", []byte("version: 1\nrules:\n  - {layer: requests-py312, deny: [7, 6]}\n"), 0o644)
	code, stdout, stderr := runCLI(t, "bump", reg, "--policy", "policy.yml", "demo/sam")
	if code != 0 || !strings.Contains(stdout, "layer:requests-py312:5") {
		t.Errorf("exit %d, want requests-py312 moved to 5 (6 and 7 denied):\n%s\n%s", code, stdout, stderr)
	}
}
