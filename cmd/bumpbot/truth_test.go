package main

import (
	"os"
	"strings"
	"testing"
)

// A file that cannot be written does not stop the others, and what is
// printed is what landed: before, --write announced every bump, stopped
// at the first failure and left later files untouched.
func TestBumpWriteTellsTheTruth(t *testing.T) {
	reg := demoCopy(t)
	if err := os.Chmod("demo/terraform/variables.tf", 0o444); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "bump", reg, "--write", "demo")
	if code != 1 {
		t.Errorf("exit %d, want 1 (a file was not written)", code)
	}
	if !strings.Contains(stderr, "error: demo/terraform/variables.tf: the file is read-only: not replaced") {
		t.Errorf("stderr does not name the file that failed:\n%s", stderr)
	}
	// requests-py312's version lives in variables.tf: not announced.
	if strings.Contains(stdout, "demo/terraform/main.tf:23:6: requests-py312") {
		t.Errorf("a bump that did not land is printed:\n%s", stdout)
	}
	// Every other file was written, and is printed.
	if !strings.Contains(stdout, "demo/serverless/serverless.yml:15:9: node-utils 10 -> 14") ||
		!strings.Contains(stdout, "demo/terraform/main.tf:24:6: LambdaInsightsExtension 38 -> 52") {
		t.Errorf("bumps that landed are missing:\n%s", stdout)
	}
	if b, _ := os.ReadFile("demo/serverless/serverless.yml"); !strings.Contains(string(b), "node-utils:14") {
		t.Error("serverless.yml was not written")
	}
	if b, _ := os.ReadFile("demo/terraform/variables.tf"); !strings.Contains(string(b), "default     = 3") {
		t.Error("the read-only file was replaced")
	}
}

// Overlapping PATHs and a link to a file of the tree give each real file
// once: the diff stays git apply-able.
func TestBumpOverlappingPaths(t *testing.T) {
	reg := demoCopy(t)
	if err := os.Symlink("template.yaml", "demo/sam/linked.yaml"); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "bump", reg, "demo", "demo/sam", "demo/sam/template.yaml")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	heads := map[string]int{}
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "+++ ") {
			heads[l]++
		}
	}
	for h, n := range heads {
		if n != 1 {
			t.Errorf("%s appears %d times", h, n)
		}
	}
	if heads["+++ b/demo/sam/template.yaml"] != 1 || heads["+++ b/demo/sam/linked.yaml"] != 0 {
		t.Errorf("template.yaml should be in the diff once, under its own name: %v", heads)
	}
	gitApplyCheck(t, stdout)
}

// Regions and strategy are checked before any work: a malformed region is
// a usage error whether or not an ARN needs it, from the flag or the
// environment; AWS_DEFAULT_REGION counts like AWS_REGION.
func TestBumpValidatesSettings(t *testing.T) {
	reg := demoCopy(t)
	tmpl := "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Layers:\n        - !Sub arn:aws:lambda:${AWS::Region}:123456789012:layer:node-utils:10\n"
	if err := os.WriteFile("placeholder.yaml", []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_REGION", "")
	t.Setenv("BUMPBOT_REGIONS", "")
	if code, _, stderr := runCLI(t, "bump", reg, "--regions", "us-east-1,us-east", "demo/terraform"); code != 2 || !strings.Contains(stderr, `--regions: "us-east" is not an AWS region name`) {
		t.Errorf("bad --regions: exit %d, stderr %q; want 2 naming the bad region", code, stderr)
	}
	t.Setenv("BUMPBOT_REGIONS", "eu-west-1,EU-WEST-2")
	if code, _, stderr := runCLI(t, "bump", reg, "demo/terraform"); code != 2 || !strings.Contains(stderr, `BUMPBOT_REGIONS: "EU-WEST-2"`) {
		t.Errorf("bad BUMPBOT_REGIONS: exit %d, stderr %q", code, stderr)
	}
	// The flag wins over the environment.
	if code, stdout, stderr := runCLI(t, "bump", reg, "--regions", "eu-west-1", "placeholder.yaml"); code != 0 || !strings.Contains(stdout, "node-utils:14") {
		t.Errorf("--regions over a bad BUMPBOT_REGIONS: exit %d\n%s\n%s", code, stdout, stderr)
	}
	t.Setenv("BUMPBOT_REGIONS", "")
	t.Setenv("AWS_DEFAULT_REGION", "eu-west-1")
	if code, stdout, stderr := runCLI(t, "bump", reg, "placeholder.yaml"); code != 0 || !strings.Contains(stdout, "node-utils:14") {
		t.Errorf("AWS_DEFAULT_REGION: exit %d\n%s\n%s", code, stdout, stderr)
	}
}
