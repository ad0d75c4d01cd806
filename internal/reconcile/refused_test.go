package reconcile_test

import (
	"context"
	"testing"

	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
)

// A person pushed to the bot's pull request: when a newer version comes
// out, the reconcile leaves that branch alone (no force-push over their
// commit), says so once in a comment, and does not fail, so the job is
// not retried in vain.
func TestReconcileLeavesABranchAPersonPushedTo(t *testing.T) {
	t.Parallel()
	gh, forge := githubRepo(t, map[string]string{"main.tf": mainTF})
	p, regRoot := planner(t, 3, 4)
	r := &reconcile.Reconciler{Planner: p, Cache: reconcile.NewBlobCache()}
	ctx := context.Background()
	if res, err := r.Run(ctx, "2/"+repoN, forge); err != nil || res.Opened != 1 {
		t.Fatalf("first run = %+v, %v; want 1 opened", res, err)
	}
	theirs := gh.Push(t, repoN, "bumpbot/mylayer", map[string]string{"handler.py": "adapted\n"}, "adapt the handler")

	reconciletest.Publish(t, regRoot, "us-east-1", account, "mylayer", 5)
	gh.ResetCounts()
	res, err := r.Run(ctx, "2/"+repoN, forge)
	if err != nil || res.Refused != 1 || res.Updated+res.Opened != 0 {
		t.Fatalf("run after a newer version = %+v, %v; want 1 refused, nothing published", res, err)
	}
	if head := gh.Head(repoN, "bumpbot/mylayer"); head != theirs {
		t.Errorf("the branch moved from the person's commit %s to %s", theirs, head)
	}
	if c := gh.Counts(); c.Writes != 1 || c.ByRoute["POST /repos/{owner}/{repo}/issues/{number}/comments"] != 1 {
		t.Errorf("%d writes, want the one comment: %v", c.Writes, c.ByRoute)
	}
	gh.ResetCounts()
	if res, err := r.Run(ctx, "2/"+repoN, forge); err != nil || res.Refused != 1 {
		t.Fatalf("next run = %+v, %v; want 1 refused", res, err)
	}
	if c := gh.Counts(); c.Writes != 0 {
		t.Errorf("next run: %d writes, want none: %v", c.Writes, c.ByRoute)
	}
	if c := gh.Comments(repoN, 1); len(c) != 1 {
		t.Errorf("%d comments, want 1", len(c))
	}
}
