package reconcile_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/bumpbot/bumpbot/internal/ghapp"
	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/reconcile"
)

// BenchmarkReconcileGitHubRequests counts GitHub requests through the real
// clients against the fake: all requests of a first reconcile that opens
// one PR for a one-file bump (token creation excluded), the writes among
// them, and the rate-limited (non-304) requests of a second reconcile of
// the unchanged repository. The same first reconcile is measured again on
// another cold repository whose default branch a push payload named
// (RememberDefaultBranch), as the server does for push events.
func BenchmarkReconcileGitHubRequests(b *testing.B) {
	gh := ghapptest.New(b, 1)
	p, _ := planner(b, 3, 4, 5)
	app, err := ghapp.NewApp(ghapp.Config{AppID: 1, PrivateKey: gh.PrivateKeyPEM, BaseURL: gh.URL})
	if err != nil {
		b.Fatal(err)
	}
	r := &reconcile.Reconciler{Planner: p, Cache: reconcile.NewBlobCache()}
	ctx := context.Background()
	// firstPR opens the PR of a new repository, in an installation of its
	// own, and returns the requests and writes it took and its forge.
	installation := int64(10)
	firstPR := func(name, hint string) (total, writes int, forge *ghapp.Repo) {
		gh.CreateRepo(b, name, "main", map[string]string{"main.tf": mainTF, "README.md": "x\n"})
		installation++
		gh.AddInstallation(installation, name)
		c, _ := app.Client(installation)
		c.RememberDefaultBranch(name, hint)
		forge, _ = c.Repo(name)
		// Mint the token and learn the installation's account first:
		// once per installation, not part of a reconcile.
		if _, _, err := c.GitHub().Repositories.Get(ctx, "acme", "no-such-repo"); err == nil {
			b.Fatal("unexpected repo")
		}
		if _, err := c.Account(ctx); err != nil {
			b.Fatal(err)
		}
		gh.ResetCounts()
		res, err := r.Run(ctx, name, forge)
		if err != nil || res.Opened != 1 {
			b.Fatalf("first run of %s: %+v %v", name, res, err)
		}
		cnt := gh.Counts()
		return cnt.Total, cnt.Writes, forge
	}
	var first, writes, named, unchanged int
	for i := 0; b.Loop(); i++ {
		total, w, forge := firstPR(fmt.Sprintf("acme/r%d", i), "")
		first += total
		writes += w
		gh.ResetCounts()
		if _, err := r.Run(ctx, fmt.Sprintf("acme/r%d", i), forge); err != nil {
			b.Fatal(err)
		}
		unchanged += gh.Counts().RateLimited
		total, _, _ = firstPR(fmt.Sprintf("acme/pushed%d", i), "main")
		named += total
	}
	n := float64(b.N)
	b.ReportMetric(float64(first)/n, "requests/opened-PR")
	b.ReportMetric(float64(named)/n, "requests/opened-PR-branch-from-push")
	b.ReportMetric(float64(writes)/n, "writes/opened-PR")
	b.ReportMetric(float64(unchanged)/n, "charged-requests/unchanged-reconcile")
}
