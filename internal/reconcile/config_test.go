package reconcile_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layers"
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
