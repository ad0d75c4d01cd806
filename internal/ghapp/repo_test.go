package ghapp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/ghapp"
	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/reconcile"
)

const (
	appID = 42
	inst  = 7
	repoN = "acme/infra"
)

// setup starts a fake GitHub with one repository and returns the forge of
// that repository through the real clients.
func setup(t *testing.T, files map[string]string) (*ghapptest.Server, *ghapp.Repo) {
	t.Helper()
	gh := fakeGitHub(t, files)
	return gh, forge(t, client(t, gh, ghapp.Config{}))
}

// fakeGitHub starts a fake GitHub holding repoN (default branch main with
// files), installed as inst.
func fakeGitHub(t *testing.T, files map[string]string) *ghapptest.Server {
	t.Helper()
	gh := ghapptest.New(t, appID)
	gh.CreateRepo(t, repoN, "main", files)
	gh.AddInstallation(inst, repoN)
	return gh
}

// newApp returns the app on gh, configured by cfg (app id, key and URL
// filled in).
func newApp(tb testing.TB, gh *ghapptest.Server, cfg ghapp.Config) *ghapp.App {
	tb.Helper()
	cfg.AppID, cfg.PrivateKey, cfg.BaseURL = appID, gh.PrivateKeyPEM, gh.URL
	app, err := ghapp.NewApp(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return app
}

// client returns the installation client of inst on gh, configured by cfg.
func client(t *testing.T, gh *ghapptest.Server, cfg ghapp.Config) *ghapp.Client {
	t.Helper()
	c, err := newApp(t, gh, cfg).Client(inst)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// warm makes c mint its token and learn its installation's account: one
// request each per installation, not part of what a snapshot costs.
func warm(t *testing.T, c *ghapp.Client) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := c.GitHub().Repositories.Get(ctx, "acme", "no-such-repo"); err == nil {
		t.Fatal("acme/no-such-repo exists")
	}
	if _, err := c.Account(ctx); err != nil {
		t.Fatal(err)
	}
}

// forge returns the forge of repoN through c.
func forge(t *testing.T, c *ghapp.Client) *ghapp.Repo {
	t.Helper()
	r, err := c.Repo(repoN)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSnapshotAndReadFile(t *testing.T) {
	t.Parallel()
	gh, r := setup(t, map[string]string{"main.tf": "layers = []\n", "src/app.py": "print(1)\n"})
	ctx := context.Background()
	snap, err := r.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Branch != "main" || snap.Commit != gh.Head(repoN, "main") {
		t.Errorf("snapshot branch %q commit %q, want main %q", snap.Branch, snap.Commit, gh.Head(repoN, "main"))
	}
	var paths []string
	for _, e := range snap.Entries {
		paths = append(paths, e.Path)
	}
	if diff := cmp.Diff([]string{"main.tf", "src/app.py"}, paths); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	got, err := r.ReadFile(ctx, snap.Entries[1])
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "print(1)\n" {
		t.Errorf("ReadFile = %q", got)
	}

	// Unchanged repository: one request (the branch, its name now
	// known), revalidated with its ETag, nothing charged.
	gh.ResetCounts()
	if _, err := r.Snapshot(ctx); err != nil {
		t.Fatal(err)
	}
	if c := gh.Counts(); c.RateLimited != 0 || c.Total != 1 {
		t.Errorf("unchanged snapshot: %d requests, %d rate-limited; want 1 and 0 (%v)", c.Total, c.RateLimited, c.ByRoute)
	}

	// A push is seen at once, despite GitHub's max-age=60.
	gh.Push(t, repoN, "main", map[string]string{"new.yml": "a: 1\n"}, "push")
	snap2, err := r.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap2.Commit == snap.Commit || len(snap2.Entries) != 3 {
		t.Errorf("after push: commit %s (was %s), %d entries; want a new commit and 3 entries", snap2.Commit, snap.Commit, len(snap2.Entries))
	}
}

func change(snap reconcile.Snapshot, branch, content string) reconcile.Change {
	return reconcile.Change{
		Branch: branch, Base: snap, Message: "Bump x", Title: "Bump x layer from 1 to 2", Body: "body",
		Files:  []reconcile.FileChange{{Path: "main.tf", Content: []byte(content), Mode: "100644"}},
		Labels: []string{"dependencies", "lambda-layers"},
	}
}

func TestPublishOpensThenUpdates(t *testing.T) {
	t.Parallel()
	gh, r := setup(t, map[string]string{"main.tf": "v1\n", "other.txt": "keep\n"})
	ctx := context.Background()
	snap, err := r.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gh.ResetCounts()
	pub, err := r.Publish(ctx, change(snap, "bumpbot/x", "v2\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Opened || pub.Number != 1 {
		t.Errorf("Publish = %+v, want opened #1", pub)
	}
	// tree, commit, ref, pull, add labels (GitHub creates missing labels
	// itself).
	if c := gh.Counts(); c.Total != 5 {
		t.Errorf("first PR in a repository: %d requests, want 5: %v", c.Total, c.ByRoute)
	}
	if got, _ := gh.File(repoN, "bumpbot/x", "main.tf"); string(got) != "v2\n" {
		t.Errorf("branch main.tf = %q", got)
	}
	if got, _ := gh.File(repoN, "bumpbot/x", "other.txt"); string(got) != "keep\n" {
		t.Errorf("branch other.txt = %q (base_tree not kept)", got)
	}
	if got, _ := gh.File(repoN, "main", "main.tf"); string(got) != "v1\n" {
		t.Errorf("default branch changed: %q", got)
	}
	pulls := gh.Pulls(repoN)
	if len(pulls) != 1 || pulls[0].Head != "bumpbot/x" || pulls[0].Base != "main" ||
		!cmp.Equal(pulls[0].Labels, []string{"dependencies", "lambda-layers"}) {
		t.Fatalf("pulls = %+v", pulls)
	}
	want := []ghapptest.Label{{Name: "dependencies", Color: "ededed"}, {Name: "lambda-layers", Color: "ededed"}}
	if diff := cmp.Diff(want, gh.Labels(repoN)); diff != "" {
		t.Errorf("labels created on add (-want +got):\n%s", diff)
	}

	open, err := r.OpenChanges(ctx)
	if err != nil || len(open) != 1 || open[0].Branch != "bumpbot/x" {
		t.Fatalf("OpenChanges = %+v, %v", open, err)
	}
	ch := change(snap, "bumpbot/x", "v3\n")
	ch.Title = "Bump x layer from 1 to 3"
	pub, err = r.Publish(ctx, ch, &open[0])
	if err != nil {
		t.Fatal(err)
	}
	if pub.Opened || pub.Number != 1 {
		t.Errorf("update Publish = %+v, want #1 updated", pub)
	}
	if got, _ := gh.File(repoN, "bumpbot/x", "main.tf"); string(got) != "v3\n" {
		t.Errorf("updated branch main.tf = %q", got)
	}
	if pulls := gh.Pulls(repoN); len(pulls) != 1 || pulls[0].Title != ch.Title {
		t.Errorf("pulls after update = %+v", pulls)
	}
}

// A branch left behind by a job that died after the commit is reused, and
// a PR that exists although the listing missed it is updated, not doubled.
func TestPublishIsIdempotent(t *testing.T) {
	t.Parallel()
	gh, r := setup(t, map[string]string{"main.tf": "v1\n"})
	ctx := context.Background()
	snap, _ := r.Snapshot(ctx)
	for i := range 3 {
		if _, err := r.Publish(ctx, change(snap, "bumpbot/x", "v2\n"), nil); err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
	}
	if pulls := gh.Pulls(repoN); len(pulls) != 1 {
		t.Errorf("%d pull requests, want 1", len(pulls))
	}
}

func TestPublishRefusesForeignBranches(t *testing.T) {
	t.Parallel()
	gh, r := setup(t, map[string]string{"main.tf": "v1\n"})
	ctx := context.Background()
	snap, _ := r.Snapshot(ctx)
	for _, branch := range []string{"main", "feature/x", "bumpbot/", "bumpbot/../main", "refs/heads/main", "bumpbot/a b", "bumpbotx"} {
		t.Run(branch, func(t *testing.T) {
			gh.ResetCounts()
			_, err := r.Publish(ctx, change(snap, branch, "evil\n"), nil)
			if !errors.Is(err, reconcile.ErrRefusedBranch) {
				t.Errorf("Publish(%q) error = %v, want ErrRefusedBranch", branch, err)
			}
		})
	}
	if c := gh.Counts(); c.Writes != 0 {
		t.Errorf("refused publishes sent %d writes", c.Writes)
	}
	if got, _ := gh.File(repoN, "main", "main.tf"); string(got) != "v1\n" {
		t.Errorf("main changed: %q", got)
	}
}

func TestCommentFindsBeforeCreating(t *testing.T) {
	t.Parallel()
	gh, r := setup(t, map[string]string{"main.tf": "v1\n"})
	ctx := context.Background()
	snap, _ := r.Snapshot(ctx)
	pub, err := r.Publish(ctx, change(snap, "bumpbot/x", "v2\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := r.Comment(ctx, pub.Number, "hello"); err != nil {
			t.Fatal(err)
		}
	}
	if got := gh.Comments(repoN, pub.Number); len(got) != 1 {
		t.Errorf("%d comments, want 1", len(got))
	}
}

func TestAppRejectsWrongKey(t *testing.T) {
	t.Parallel()
	gh := ghapptest.New(t, appID)
	gh.CreateRepo(t, repoN, "main", map[string]string{"a": "b"})
	gh.AddInstallation(inst, repoN)
	app, err := ghapp.NewApp(ghapp.Config{AppID: appID, PrivateKey: foreignKey(t), BaseURL: gh.URL})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := app.Client(inst)
	r, _ := c.Repo(repoN)
	if _, err := r.Snapshot(context.Background()); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("Snapshot with a foreign key: err = %v, want a 401", err)
	}
}

func TestNewAppValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  ghapp.Config
	}{
		{"no app id", ghapp.Config{PrivateKey: []byte("x")}},
		{"no key", ghapp.Config{AppID: 1}},
		{"bad key", ghapp.Config{AppID: 1, PrivateKey: []byte("not a pem")}},
		{"bad url", ghapp.Config{AppID: 1, PrivateKey: []byte("x"), BaseURL: "ftp://x"}},
	}
	for _, tc := range tests {
		if _, err := ghapp.NewApp(tc.cfg); err == nil {
			t.Errorf("%s: NewApp accepted %+v", tc.name, tc.cfg)
		}
	}
}

// OpenChanges reports the bot's open pull requests and those closed
// without merging, in one listing; merged ones and other branches are left
// out.
func TestOpenChangesReportsClosedAndMerged(t *testing.T) {
	t.Parallel()
	gh, r := setup(t, map[string]string{"main.tf": "v1\n"})
	ctx := context.Background()
	snap, _ := r.Snapshot(ctx)
	for _, b := range []string{"bumpbot/open", "bumpbot/closed", "bumpbot/merged"} {
		if _, err := r.Publish(ctx, change(snap, b, "v2\n"), nil); err != nil {
			t.Fatal(err)
		}
	}
	gh.ClosePull(repoN, 2)
	gh.MergePull(repoN, 3)
	gh.ResetCounts()
	got, err := r.OpenChanges(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Number int
		Branch string
		Closed bool
		Merged bool
	}
	var rows []row
	for _, c := range got {
		rows = append(rows, row{c.Number, c.Branch, c.Closed, c.Merged})
	}
	want := []row{{1, "bumpbot/open", false, false}, {2, "bumpbot/closed", true, false}, {3, "bumpbot/merged", true, true}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("OpenChanges (-want +got):\n%s", diff)
	}
	if c := gh.Counts(); c.Total != 1 {
		t.Errorf("%d requests, want 1 listing: %v", c.Total, c.ByRoute)
	}
}
