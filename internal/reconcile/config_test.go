package reconcile_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
)

// A named group gathers the layers its globs match into one pull request
// on bumpbot/group-<name>; open-pull-requests-limit holds back new pull
// requests once that many bot pull requests are open.
func TestConfigGroupsAndLimit(t *testing.T) {
	t.Parallel()
	tf := `resource "aws_lambda_function" "f" {
  layers = ["arn:aws:lambda:us-east-1:123456789012:layer:a-py:1", "arn:aws:lambda:us-east-1:123456789012:layer:b-py:1", "arn:aws:lambda:us-east-1:123456789012:layer:c-node:1"]
}
`
	cfg := "version: 1\ngroup:\n  - {name: python, layers: [\"*-py\"]}\nopen-pull-requests-limit: 1\n"
	gh, forge := githubRepo(t, map[string]string{"main.tf": tf, ".github/bumpbot.yml": cfg})
	root := t.TempDir()
	for _, l := range []string{"a-py", "b-py", "c-node"} {
		reconciletest.Publish(t, root, "us-east-1", account, l, 1, 2)
	}
	reg, err := layers.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	r := &reconcile.Reconciler{Planner: reconcile.BumpPlanner{Registry: reg}, ReadConfig: true}
	res, err := r.Run(context.Background(), "", forge)
	if err != nil {
		t.Fatal(err)
	}
	if res.Opened != 1 || res.Limited != 1 {
		t.Errorf("result %+v, want 1 opened and 1 held back by the limit", res)
	}
	pulls := gh.Pulls(repoN)
	if len(pulls) != 1 || pulls[0].Head != "bumpbot/group-python" || pulls[0].Title != "Bump 2 Lambda layers" {
		t.Fatalf("pulls %+v, want one for the python group", pulls)
	}
	got, _ := gh.File(repoN, "bumpbot/group-python", "main.tf")
	if want := `layer:a-py:2", "arn:aws:lambda:us-east-1:123456789012:layer:b-py:2", "arn:aws:lambda:us-east-1:123456789012:layer:c-node:1"`; !strings.Contains(string(got), want) {
		t.Errorf("group branch main.tf:\n%s", got)
	}
}

// A schedule gates publishing: outside its window nothing is opened and
// the update is listed as pending; in it, or forced (the dashboard's
// box), the pull request goes out, and is no longer pending once open.
func TestConfigSchedule(t *testing.T) {
	t.Parallel()
	for _, forced := range []bool{false, true} {
		t.Run(fmt.Sprintf("forced=%v", forced), func(t *testing.T) {
			t.Parallel()
			cfg := "version: 1\nschedule: {interval: daily, time: \"09:00\"}\n"
			gh, forge := githubRepo(t, map[string]string{"main.tf": mainTF, ".github/bumpbot.yml": cfg})
			p, _ := planner(t, 3, 5)
			at := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
			r := &reconcile.Reconciler{Planner: p, ReadConfig: true, Now: func() time.Time { return at }}
			res, err := r.Run(context.Background(), "", forge)
			want := []reconcile.Held{{Branch: "bumpbot/mylayer", Title: "Bump mylayer layer from 3 to 5", Reason: reconcile.HeldBySchedule}}
			if err != nil || res.Held != 1 || res.Opened != 0 || len(gh.Pulls(repoN)) != 0 || !slices.Equal(res.Pending, want) {
				t.Fatalf("before 09:00: %+v, %v, %d pulls; want pending %+v", res, err, len(gh.Pulls(repoN)), want)
			}
			if forced {
				r.Force = map[string]bool{"bumpbot/mylayer": true}
			} else {
				at = time.Date(2026, 12, 7, 9, 10, 0, 0, time.UTC)
			}
			if res, err = r.Run(context.Background(), "", forge); err != nil || res.Opened != 1 || len(res.Pending) != 0 {
				t.Fatalf("published: %+v, %v", res, err)
			}
			r.Force, at = nil, time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
			if res, err = r.Run(context.Background(), "", forge); err != nil || res.Unchanged != 1 || res.Held != 0 || len(res.Pending) != 0 {
				t.Errorf("outside the window with its pull request open: %+v, %v", res, err)
			}
		})
	}
}

// A pull request the org's security policy requires is published
// whatever the repository says: a layer its configuration ignores, a
// schedule that is not due and an open-pull-requests-limit already
// reached hold back everything else, not that.
func TestSecurityBypassesConfig(t *testing.T) {
	t.Parallel()
	tf := `resource "aws_lambda_function" "f" {
  runtime = "python3.12"
  layers  = ["arn:aws:lambda:us-east-1:123456789012:layer:mylayer:3", "arn:aws:lambda:us-east-1:123456789012:layer:other:1"]
}
`
	cfg := "version: 1\nschedule: {interval: daily, time: \"09:00\"}\nopen-pull-requests-limit: 1\nignore:\n  - {layer: mylayer}\n"
	gh, forge := githubRepo(t, map[string]string{"main.tf": tf, ".github/bumpbot.yml": cfg})
	p, root := planner(t, 3, 4, 5)
	reconciletest.Publish(t, root, "us-east-1", account, "other", 1, 2)
	at := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	// The limit is reached first: the dashboard's box opens other's.
	r := &reconcile.Reconciler{Planner: p, ReadConfig: true, Now: func() time.Time { return at }, Force: map[string]bool{"bumpbot/other": true}}
	if res, err := r.Run(context.Background(), "", forge); err != nil || res.Opened != 1 {
		t.Fatalf("forced: %+v, %v", res, err)
	}
	pol, err := policy.Parse("bumpbot-policy.yml", []byte("version: 1\nrules:\n  - {layer: mylayer, minimum: 4, reason: leaks}\nsecurity-pr: {labels: [security]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	r.Force = nil
	r.Policy = func(context.Context) (*policy.Policy, error) { return &pol, nil }
	res, err := r.Run(context.Background(), "", forge)
	if err != nil || res.Opened != 1 {
		t.Fatalf("with the policy: %+v, %v; want the security pull request opened", res, err)
	}
	var sec *ghapptest.Pull
	for _, pr := range gh.Pulls(repoN) {
		if pr.Head == "bumpbot/mylayer" {
			sec = &pr
		}
	}
	if sec == nil || !slices.Contains(sec.Labels, "security") || !strings.Contains(sec.Body, "leaks") {
		t.Errorf("security pull request %+v", sec)
	}
}
