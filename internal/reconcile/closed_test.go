package reconcile_test

import (
	"context"
	"slices"
	"testing"

	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
)

// A maintainer closing the bot's pull request says no to that version: the
// next reconcile deletes its branch and writes nothing else, the one
// after nothing at all, and a newer version is proposed again.
func TestReconcileRespectsClosedPullRequest(t *testing.T) {
	t.Parallel()
	gh, forge := githubRepo(t, map[string]string{"main.tf": mainTF})
	p, regRoot := planner(t, 3, 4, 5)
	r := &reconcile.Reconciler{Planner: p, Cache: reconcile.NewBlobCache(), Swept: reconcile.NewSwept()}
	ctx := context.Background()
	if res, err := r.Run(ctx, "2/"+repoN, forge); err != nil || res.Opened != 1 {
		t.Fatalf("first run = %+v, %v; want 1 opened", res, err)
	}
	gh.ClosePull(repoN, 1)

	for i := range 2 {
		gh.ResetCounts()
		res, err := r.Run(ctx, "2/"+repoN, forge)
		if err != nil {
			t.Fatal(err)
		}
		if c := gh.Counts(); res.Declined != 1 || res.Opened+res.Updated+res.Unchanged != 0 || c.Writes != 1-i || res.Deleted != 1-i {
			t.Errorf("run %d after the close = %+v with %d writes (%v); want 1 declined, the branch deleted on the first run only", i, res, c.Writes, c.ByRoute)
		}
	}
	if pulls := gh.Pulls(repoN); len(pulls) != 1 || pulls[0].State != "closed" {
		t.Fatalf("pulls after the close = %+v, want the one closed", pulls)
	}
	if slices.Contains(gh.Branches(repoN), "bumpbot/mylayer") {
		t.Error("the closed pull request's branch was kept")
	}

	reconciletest.Publish(t, regRoot, "us-east-1", account, "mylayer", 6)
	res, err := r.Run(ctx, "2/"+repoN, forge)
	if err != nil || res.Opened != 1 || res.Declined != 0 {
		t.Fatalf("run after a newer version = %+v, %v; want 1 opened", res, err)
	}
	pulls := gh.Pulls(repoN)
	if len(pulls) != 2 || pulls[1].State != "open" || pulls[1].Title != "Bump mylayer layer from 3 to 6" || pulls[0].State != "closed" {
		t.Fatalf("pulls after a newer version = %+v; want #1 still closed and #2 open for 6", pulls)
	}
	if got, _ := gh.File(repoN, "bumpbot/mylayer", "main.tf"); string(got) != replaceVersion(mainTF, 6) {
		t.Errorf("branch main.tf:\n%s", got)
	}
	if res, err := r.Run(ctx, "2/"+repoN, forge); err != nil || res.Unchanged != 1 || res.Declined != 0 {
		t.Errorf("run after the new PR = %+v, %v; want it unchanged, the old close no veto", res, err)
	}
}

// A merged pull request is no veto: if the bump is gone from the default
// branch again (a revert), it is proposed again.
func TestReconcileMergedPullRequestIsNoVeto(t *testing.T) {
	t.Parallel()
	gh, forge := githubRepo(t, map[string]string{"main.tf": mainTF})
	p, _ := planner(t, 3, 5)
	r := &reconcile.Reconciler{Planner: p}
	ctx := context.Background()
	if res, err := r.Run(ctx, "2/"+repoN, forge); err != nil || res.Opened != 1 {
		t.Fatalf("first run = %+v, %v", res, err)
	}
	gh.MergePull(repoN, 1)
	res, err := r.Run(ctx, "2/"+repoN, forge)
	if err != nil || res.Opened != 1 || res.Declined != 0 {
		t.Fatalf("run after the merge = %+v, %v; want 1 opened, none declined", res, err)
	}
	if pulls := gh.Pulls(repoN); len(pulls) != 2 || pulls[1].State != "open" {
		t.Errorf("pulls = %+v, want a new open one", pulls)
	}
}
