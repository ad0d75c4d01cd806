package reconcile_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/ghapp"
	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
)

const (
	account = "123456789012"
	repoN   = "acme/infra"
)

const mainTF = reconciletest.MainTF

func planner(t testing.TB, versions ...int) (reconcile.BumpPlanner, string) {
	return reconciletest.Planner(t, versions...)
}

func githubRepo(t *testing.T, files map[string]string) (*ghapptest.Server, *ghapp.Repo) {
	t.Helper()
	gh := ghapptest.New(t, 1)
	gh.CreateRepo(t, repoN, "main", files)
	gh.AddInstallation(2, repoN)
	app, err := ghapp.NewApp(ghapp.Config{AppID: 1, PrivateKey: gh.PrivateKeyPEM, BaseURL: gh.URL})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := app.Client(2)
	r, err := c.Repo(repoN)
	if err != nil {
		t.Fatal(err)
	}
	return gh, r
}

func TestReconcileOpensThenConverges(t *testing.T) {
	t.Parallel()
	gh, forge := githubRepo(t, map[string]string{"main.tf": mainTF, "README.md": "hi\n", "app.py": "print('no layers')\n"})
	p, regRoot := planner(t, 3, 4, 5)
	r := &reconcile.Reconciler{Planner: p, Cache: reconcile.NewBlobCache()}
	ctx := context.Background()

	res, err := r.Run(ctx, "2/"+repoN, forge)
	if err != nil {
		t.Fatal(err)
	}
	if res.Opened != 1 || res.Candidates != 2 || res.Fetched != 2 {
		t.Fatalf("first run = %+v, want 1 opened from 2 candidates", res)
	}
	want := strings.Replace(mainTF, "mylayer:3", "mylayer:5", 1)
	if got, _ := gh.File(repoN, "bumpbot/mylayer", "main.tf"); string(got) != want {
		t.Errorf("bumped main.tf:\n%s\nwant:\n%s", got, want)
	}
	pulls := gh.Pulls(repoN)
	if len(pulls) != 1 || pulls[0].Title != "Bump mylayer layer from 3 to 5" {
		t.Fatalf("pulls = %+v", pulls)
	}
	for _, s := range []string{"redeployed", "<!-- bumpbot: layer=mylayer region=us-east-1 to=5 files=main.tf -->", "mylayer 3 → 5"} {
		if !strings.Contains(pulls[0].Body, s) {
			t.Errorf("PR body lacks %q:\n%s", s, pulls[0].Body)
		}
	}

	// Nothing new: no write, no blob read, at most one charged request.
	gh.ResetCounts()
	res, err = r.Run(ctx, "2/"+repoN, forge)
	if err != nil {
		t.Fatal(err)
	}
	c := gh.Counts()
	if res.Unchanged != 1 || res.Fetched != 0 || c.Writes != 0 || c.RateLimited > 1 {
		t.Errorf("unchanged run = %+v, counts %+v; want no writes, no fetch, ≤1 charged", res, c)
	}

	// A newer version: the same PR is updated in place.
	reconciletest.Publish(t, regRoot, "us-east-1", account, "mylayer", 6)
	res, err = r.Run(ctx, "2/"+repoN, forge)
	if err != nil || res.Updated != 1 || res.Opened != 0 {
		t.Fatalf("run after a new version = %+v, %v; want 1 updated", res, err)
	}
	pulls = gh.Pulls(repoN)
	if len(pulls) != 1 || pulls[0].Title != "Bump mylayer layer from 3 to 6" {
		t.Errorf("pulls after update = %+v", pulls)
	}
	if got, _ := gh.File(repoN, "bumpbot/mylayer", "main.tf"); !bytes.Contains(got, []byte("mylayer:6")) {
		t.Errorf("branch not updated: %s", got)
	}
	if got, _ := gh.File(repoN, "main", "main.tf"); string(got) != mainTF {
		t.Errorf("default branch changed")
	}
}

func TestBranchName(t *testing.T) {
	t.Parallel()
	a := reconcile.Update{Layer: "L", Region: "us-east-1"}
	b := reconcile.Update{Layer: "L", Region: "eu-west-1"}
	c := reconcile.Update{Layer: "weird name/..x", Region: "us-east-1"}
	// The same layer name published by two accounts in one region: before
	// accounts counted, both got bumpbot/L and one PR overwrote the other.
	d1 := reconcile.Update{Layer: "L", Region: "us-east-1", Account: "111111111111"}
	d2 := reconcile.Update{Layer: "L", Region: "us-east-1", Account: "222222222222"}
	e := reconcile.Update{Layer: "L", Region: "eu-west-1", Account: "222222222222"}
	tests := []struct {
		name string
		u    reconcile.Update
		all  []reconcile.Update
		want string
	}{
		{"alone", a, []reconcile.Update{a}, "bumpbot/L"},
		{"same layer in two regions", b, []reconcile.Update{a, b}, "bumpbot/L-eu-west-1"},
		{"unsafe characters", c, []reconcile.Update{c}, "bumpbot/weird-name-..x"},
		{"same layer in two accounts", d1, []reconcile.Update{d1, d2}, "bumpbot/L-111111111111"},
		{"same layer in two accounts, other", d2, []reconcile.Update{d1, d2}, "bumpbot/L-222222222222"},
		{"two accounts and two regions", e, []reconcile.Update{d1, d2, e}, "bumpbot/L-222222222222-eu-west-1"},
	}
	seen := map[string]bool{}
	for _, u := range []reconcile.Update{d1, d2, e} {
		name := reconcile.BranchName(u, []reconcile.Update{d1, d2, e})
		if seen[name] {
			t.Errorf("two updates share branch %s", name)
		}
		seen[name] = true
	}
	for _, tc := range tests {
		got := reconcile.BranchName(tc.u, tc.all)
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if err := reconcile.CheckBranch(got, "main"); err != nil && tc.name != "unsafe characters" {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func replaceVersion(s string, v int) string {
	return strings.Replace(s, "mylayer:3", "mylayer:"+strconv.Itoa(v), 1)
}
