package ghapp_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/ghapp"
)

// foreignKey returns a PEM private key GitHub does not know.
func foreignKey(t *testing.T) []byte {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

// InstalledRepos walks every page of the installations (as the app) and
// of each installation's repositories (with its token), leaving out
// suspended installations and archived repositories.
func TestInstalledReposPaginates(t *testing.T) {
	t.Parallel()
	gh := fakeGitHub(t, map[string]string{"main.tf": "v1\n"})
	for _, r := range []string{"acme/b", "acme/c", "other/d", "other/archived", "sus/e"} {
		gh.CreateRepo(t, r, "trunk", map[string]string{"x": "y"})
	}
	gh.AddInstallation(inst, "acme/b", "acme/c")
	gh.AddInstallation(8, "other/d", "other/archived")
	gh.AddInstallation(9, "sus/e")
	gh.Archive("other/archived")
	gh.SuspendInstallation(9)
	gh.PageLimit(2)
	app, err := ghapp.NewApp(ghapp.Config{AppID: appID, PrivateKey: gh.PrivateKeyPEM, BaseURL: gh.URL})
	if err != nil {
		t.Fatal(err)
	}
	got, err := app.InstalledRepos(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []ghapp.InstalledRepo{
		{Installation: inst, FullName: repoN, DefaultBranch: "main"},
		{Installation: inst, FullName: "acme/b", DefaultBranch: "trunk"},
		{Installation: inst, FullName: "acme/c", DefaultBranch: "trunk"},
		{Installation: 8, FullName: "other/d", DefaultBranch: "trunk"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("InstalledRepos (-want +got):\n%s", diff)
	}
	c := gh.Counts().ByRoute
	// 3 installations at 2 a page; 3 repositories of inst (2 pages) and
	// 2 of installation 8 (1 page); no token for the suspended one.
	if c["GET /app/installations"] != 2 || c["GET /installation/repositories"] != 3 || c["POST /app/installations/{id}/access_tokens"] != 2 {
		t.Errorf("requests %v, want 2 installation pages, 3 repository pages, 2 tokens", c)
	}

	// The listing named each default branch, and each installation's
	// account: a snapshot reads the branch at once.
	cl, _ := app.Client(inst)
	r, _ := cl.Repo("acme/b")
	gh.ResetCounts()
	if snap, err := r.Snapshot(context.Background()); err != nil || snap.Branch != "trunk" {
		t.Fatalf("snapshot = %+v, %v", snap, err)
	}
	if c := gh.Counts().ByRoute; c[getRepo] != 0 || c[getInstallation] != 0 {
		t.Errorf("snapshot after a listing: %v, want no repository nor installation read", c)
	}
}

func TestInstallationsRefusesForeignKey(t *testing.T) {
	t.Parallel()
	gh := fakeGitHub(t, nil)
	app, err := ghapp.NewApp(ghapp.Config{AppID: appID, PrivateKey: foreignKey(t), BaseURL: gh.URL})
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := app.Installations(context.Background()); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("Installations with a foreign key = %v, %v; want a 401", ids, err)
	}
	if repos, err := app.InstalledRepos(context.Background()); err == nil || repos != nil {
		t.Errorf("InstalledRepos with a foreign key = %v, %v; want nothing and an error", repos, err)
	}
}

// A default branch observed earlier than what the client knows, or more
// than an hour ago, is not trusted.
func TestRememberDefaultBranchAt(t *testing.T) {
	t.Parallel()
	now := time.Now()
	type hint struct {
		branch string
		seen   time.Time
	}
	tests := []struct {
		name  string
		hints []hint
		want  map[string]int
	}{
		{"fresh", []hint{{"main", now}}, map[string]int{getBranch: 1, getTree: 1}},
		{"two hours old", []hint{{"main", now.Add(-2 * time.Hour)}}, map[string]int{getRepo: 1, getBranch: 1, getTree: 1}},
		{"older than what is known", []hint{{"main", now}, {"gone", now.Add(-time.Minute)}}, map[string]int{getBranch: 1, getTree: 1}},
		{"newer than what is known", []hint{{"gone", now.Add(-time.Minute)}, {"main", now}}, map[string]int{getBranch: 1, getTree: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gh := fakeGitHub(t, map[string]string{"main.tf": "v1\n"})
			c := client(t, gh, ghapp.Config{})
			for _, h := range tc.hints {
				c.RememberDefaultBranchAt(repoN, h.branch, h.seen)
			}
			ctx := context.Background()
			warm(t, c)
			gh.ResetCounts()
			if snap, err := forge(t, c).Snapshot(ctx); err != nil || snap.Branch != "main" {
				t.Fatalf("snapshot = %+v, %v", snap, err)
			}
			if diff := cmp.Diff(tc.want, gh.Counts().ByRoute); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// Only MaxClients clients are kept: the least recently used one is
// rebuilt on its next use, with a new token, and still works.
func TestClientsBounded(t *testing.T) {
	t.Parallel()
	gh := fakeGitHub(t, map[string]string{"main.tf": "v1\n"})
	gh.CreateRepo(t, "other/svc", "main", map[string]string{"x": "y"})
	gh.AddInstallation(8, "other/svc")
	app, err := ghapp.NewApp(ghapp.Config{AppID: appID, PrivateKey: gh.PrivateKeyPEM, BaseURL: gh.URL, MaxClients: 1})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := app.Client(inst)
	if again, _ := app.Client(inst); again != first {
		t.Error("a client was rebuilt while it was the most recent")
	}
	app.Client(8) // evicts inst's client
	rebuilt, err := app.Client(inst)
	if err != nil {
		t.Fatal(err)
	}
	if rebuilt == first {
		t.Fatal("MaxClients 1: the first client is still kept after another installation's")
	}
	ctx := context.Background()
	for _, c := range []*ghapp.Client{first, rebuilt} {
		r, err := c.Repo(repoN)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Snapshot(ctx); err != nil {
			t.Errorf("snapshot through an evicted or rebuilt client: %v", err)
		}
	}
	if n := gh.Counts().ByRoute["POST /app/installations/{id}/access_tokens"]; n != 2 {
		t.Errorf("%d tokens minted, want 2 (one per client of inst)", n)
	}
}
