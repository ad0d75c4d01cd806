package main

import (
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
)

// The Action mode opens the same pull request the App would, with a
// workflow's plain token, and reports problems as workflow annotations.
func TestAction(t *testing.T) {
	reg := t.TempDir()
	reconciletest.Publish(t, reg, "us-east-1", reconciletest.Account, "mylayer", 3, 5)
	gh := ghapptest.New(t, 1)
	broken := "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  - arn:aws:lambda:us-east-1:123456789012:layer:mylayer:3\n\t: x\n"
	gh.CreateRepo(t, "acme/infra", "main", map[string]string{"main.tf": reconciletest.MainTF, "template.yaml": broken})
	gh.AddInstallation(9, "acme/infra")
	t.Setenv("GITHUB_TOKEN", gh.PlainToken(9))
	t.Setenv("GITHUB_REPOSITORY", "acme/infra")
	t.Setenv("GITHUB_API_URL", gh.URL)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	code, stdout, stderr := runCLI(t, "action", "--registry", "dir:"+reg)
	if code != 1 {
		t.Errorf("exit %d with a template that does not parse, want 1; stderr %s", code, stderr)
	}
	if !strings.Contains(stdout, "::error file=template.yaml,line=3,title=bumpbot parse::cannot parse template") ||
		!strings.Contains(stdout, "acme/infra: 2 pins in 2 files, 1 opened, 0 updated, 0 unchanged, 1 errors") {
		t.Errorf("output:\n%s", stdout)
	}
	pulls := gh.Pulls("acme/infra")
	if len(pulls) != 1 || pulls[0].Title != "Bump mylayer layer from 3 to 5" || pulls[0].Head != "bumpbot/mylayer" {
		t.Fatalf("pulls %+v", pulls)
	}
	// A newer version moves the same pull request: the branch is the
	// bot's (its tip committed with the workflow's token).
	reconciletest.Publish(t, reg, "us-east-1", reconciletest.Account, "mylayer", 6)
	if _, stdout, _ = runCLI(t, "action", "--registry", "dir:"+reg); !strings.Contains(stdout, "0 opened, 1 updated") {
		t.Errorf("newer version:\n%s", stdout)
	}
	if pulls := gh.Pulls("acme/infra"); len(pulls) != 1 || pulls[0].Title != "Bump mylayer layer from 3 to 6" {
		t.Errorf("pulls after the newer version %+v", pulls)
	}
	// Run again: nothing new, nothing written.
	gh.ResetCounts()
	_, stdout, _ = runCLI(t, "action", "--registry", "dir:"+reg)
	if c := gh.Counts(); c.Writes != 0 || !strings.Contains(stdout, "0 opened, 0 updated, 1 unchanged") {
		t.Errorf("second run: %d writes\n%s", c.Writes, stdout)
	}
	if code, _, stderr := func() (int, string, string) {
		t.Setenv("GITHUB_REPOSITORY", "")
		return runCLI(t, "action", "--registry", "dir:"+reg)
	}(); code != 2 || !strings.Contains(stderr, "GITHUB_REPOSITORY are required") {
		t.Errorf("outside a workflow: exit %d %s", code, stderr)
	}
}
