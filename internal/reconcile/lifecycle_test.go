package reconcile_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/reconcile"
)

// openedOne returns a repository pinning mylayer 3, a registry with 3 and
// 5, and a reconciler (with a Swept memory) that has opened #1 for 5.
func openedOne(t *testing.T) (*ghapptest.Server, reconcile.Forge, *reconcile.Reconciler) {
	t.Helper()
	gh, forge := githubRepo(t, map[string]string{"main.tf": mainTF})
	p, _ := planner(t, 3, 5)
	r := &reconcile.Reconciler{Planner: p, Swept: reconcile.NewSwept()}
	if res, err := r.Run(context.Background(), "2/"+repoN, forge); err != nil || res.Opened != 1 {
		t.Fatalf("first run = %+v, %v", res, err)
	}
	return gh, forge, r
}

// Someone bumps the layer by hand on the default branch: the bot's pull
// request for that version is closed with a comment and its branch
// deleted, once.
func TestReconcileClosesSupersededPullRequest(t *testing.T) {
	t.Parallel()
	gh, forge, r := openedOne(t)
	ctx := context.Background()
	gh.Push(t, repoN, "main", map[string]string{"main.tf": replaceVersion(mainTF, 5)}, "bump by hand")
	res, err := r.Run(ctx, "2/"+repoN, forge)
	if err != nil || res.Closed != 1 || res.Opened != 0 {
		t.Fatalf("run after the hand bump = %+v, %v; want 1 closed", res, err)
	}
	if pulls := gh.Pulls(repoN); len(pulls) != 1 || pulls[0].State != "closed" {
		t.Errorf("pulls = %+v, want #1 closed", pulls)
	}
	if c := gh.Comments(repoN, 1); len(c) != 1 || !strings.Contains(c[0].Body, "`mylayer` at version 5 or newer") {
		t.Errorf("comments = %+v", c)
	}
	if slices.Contains(gh.Branches(repoN), "bumpbot/mylayer") {
		t.Error("the superseded pull request's branch was kept")
	}
	gh.ResetCounts()
	if res, err := r.Run(ctx, "2/"+repoN, forge); err != nil || res.Closed+res.Deleted+res.Opened != 0 {
		t.Errorf("next run = %+v, %v; want nothing done", res, err)
	}
	if c := gh.Counts(); c.Writes != 0 {
		t.Errorf("next run wrote %d times: %v", c.Writes, c.ByRoute)
	}
}

// A merged pull request's branch is deleted, unless a person pushed to it.
func TestReconcileDeletesMergedBranch(t *testing.T) {
	t.Parallel()
	for _, pushed := range []bool{false, true} {
		gh, forge, r := openedOne(t)
		ctx := context.Background()
		if pushed {
			gh.Push(t, repoN, "bumpbot/mylayer", map[string]string{"notes.md": "mine\n"}, "my change")
		}
		gh.MergePull(repoN, 1)
		gh.Push(t, repoN, "main", map[string]string{"main.tf": replaceVersion(mainTF, 5)}, "merge")
		res, err := r.Run(ctx, "2/"+repoN, forge)
		if err != nil || res.Opened != 0 {
			t.Fatalf("pushed=%v: run after the merge = %+v, %v", pushed, res, err)
		}
		kept := slices.Contains(gh.Branches(repoN), "bumpbot/mylayer")
		if kept != pushed || res.Deleted != map[bool]int{false: 1, true: 0}[pushed] {
			t.Errorf("pushed=%v: branch kept = %v, result %+v", pushed, kept, res)
		}
	}
}

// The default branch changed the line the bot's commit edits (another
// layer added to the same list): the same pull request is rebuilt on the
// new tip, once; a branch a person pushed to is not.
func TestReconcileRebuildsOnMovedDefaultBranch(t *testing.T) {
	t.Parallel()
	const other = `"arn:aws:lambda:us-east-1:123456789012:layer:mylayer:3", "arn:aws:lambda:us-east-1:999999999999:layer:pinned:1"`
	moved := strings.Replace(mainTF, `"arn:aws:lambda:us-east-1:123456789012:layer:mylayer:3"`, other, 1)
	if moved == mainTF {
		t.Fatal("the fixture has no layers line to change")
	}
	for _, pushed := range []bool{false, true} {
		gh, forge, r := openedOne(t)
		ctx := context.Background()
		if pushed {
			gh.Push(t, repoN, "bumpbot/mylayer", map[string]string{"notes.md": "mine\n"}, "my change")
		}
		theirs := gh.Head(repoN, "bumpbot/mylayer")
		gh.Push(t, repoN, "main", map[string]string{"main.tf": moved}, "another layer")
		res, err := r.Run(ctx, "2/"+repoN, forge)
		if err != nil {
			t.Fatalf("pushed=%v: %v", pushed, err)
		}
		got, _ := gh.File(repoN, "bumpbot/mylayer", "main.tf")
		if pushed {
			if res.Refused != 1 || gh.Head(repoN, "bumpbot/mylayer") != theirs {
				t.Errorf("pushed: %+v; the person's branch was moved", res)
			}
			continue
		}
		if res.Updated != 1 || string(got) != replaceVersion(moved, 5) {
			t.Errorf("run after the default branch moved = updated %d, main.tf on the branch:\n%s", res.Updated, got)
		}
		if pulls := gh.Pulls(repoN); len(pulls) != 1 || pulls[0].State != "open" {
			t.Errorf("pulls = %+v, want #1 still open", pulls)
		}
		if res, err := r.Run(ctx, "2/"+repoN, forge); err != nil || res.Unchanged != 1 || res.Updated != 0 {
			t.Errorf("next run = %+v, %v; want unchanged", res, err)
		}
	}
}
