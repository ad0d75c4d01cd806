package ghapp_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/ghapp"
)

// Routes of the fake GitHub that a snapshot reads.
const (
	getRepo   = "GET /repos/{owner}/{repo}"
	getBranch = "GET /repos/{owner}/{repo}/branches/{branch...}"
	getTree   = "GET /repos/{owner}/{repo}/git/trees/{sha}"
	// getInstallation is how a client learns its installation's account.
	getInstallation = "GET /app/installations/{id}"
)

// The default branch name costs one request on the first snapshot of a
// repository, none afterwards, and none at all when a webhook named it;
// a stale name is corrected from GitHub's answers.
func TestSnapshotDefaultBranchRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		hint   string // RememberDefaultBranch before the first snapshot
		rename string // the default branch is renamed to this first
		want   map[string]int
	}{
		{"cold", "", "", map[string]int{getRepo: 1, getBranch: 1, getTree: 1}},
		{"named by a webhook", "main", "", map[string]int{getBranch: 1, getTree: 1}},
		{"stale name, no such branch", "gone", "", map[string]int{getBranch: 2, getRepo: 1, getTree: 1}},
		// GitHub answers 301 for the old name; the client follows it.
		{"renamed since", "main", "trunk", map[string]int{getBranch: 2, getTree: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gh := fakeGitHub(t, map[string]string{"main.tf": "v1\n"})
			wantBranch := "main"
			if tc.rename != "" {
				gh.RenameBranch(t, repoN, "main", tc.rename)
				wantBranch = tc.rename
			}
			c := client(t, gh, ghapp.Config{})
			if tc.hint != "" {
				c.RememberDefaultBranch(repoN, tc.hint)
			}
			r := forge(t, c)
			ctx := context.Background()
			// Mint the token and learn the account first: neither is part
			// of a snapshot.
			warm(t, c)
			gh.ResetCounts()
			snap, err := r.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if snap.Branch != wantBranch || snap.Commit != gh.Head(repoN, wantBranch) || len(snap.Entries) != 1 {
				t.Errorf("snapshot = %s %s (%d entries), want %s %s", snap.Branch, snap.Commit, len(snap.Entries), wantBranch, gh.Head(repoN, wantBranch))
			}
			if diff := cmp.Diff(tc.want, gh.Counts().ByRoute); diff != "" {
				t.Errorf("requests of the first snapshot (-want +got):\n%s", diff)
			}
			// The name GitHub gave is kept: the next snapshot is one
			// revalidated branch read, free.
			gh.ResetCounts()
			if _, err := r.Snapshot(ctx); err != nil {
				t.Fatal(err)
			}
			if c := gh.Counts(); c.Total != 1 || c.RateLimited != 0 || c.ByRoute[getBranch] != 1 {
				t.Errorf("second snapshot: %d requests, %d charged, want 1 free branch read: %v", c.Total, c.RateLimited, c.ByRoute)
			}
		})
	}
}
