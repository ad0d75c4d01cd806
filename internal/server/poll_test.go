package server_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
)

// queuedRepos opens the server's database (a second connection) and
// returns "installation/repo" of every reconcile job, sorted, and how many
// are scheduled for later.
func queuedRepos(t *testing.T, dbPath string) (repos []string, scheduled int) {
	t.Helper()
	db, err := jobs.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT json_extract(args, '$.installation_id') || '/' || json_extract(args, '$.repo'), state
		FROM river_job WHERE kind = 'bumpbot_reconcile_repo'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var repo, state string
		if err := rows.Scan(&repo, &state); err != nil {
			t.Fatal(err)
		}
		repos = append(repos, repo)
		if state == "scheduled" {
			scheduled++
		}
	}
	slices.Sort(repos)
	return repos, scheduled
}

// One poll enqueues one reconcile per repository of every installation,
// through the paginated listings; a second poll while those jobs wait
// adds none. Suspended installations and archived repositories are left
// out.
func TestPollEnqueuesOneJobPerRepository(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.poll = "6h"
	for _, r := range []string{"acme/app", "other/svc", "other/old", "gone/x"} {
		e.gh.CreateRepo(t, r, "main", map[string]string{"main.tf": mainTF})
	}
	e.gh.AddInstallation(inst, "acme/app")
	e.gh.AddInstallation(8, "other/svc", "other/old")
	e.gh.AddInstallation(9, "gone/x")
	e.gh.Archive("other/old")
	e.gh.SuspendInstallation(9)
	// One item per page: every listing paginates.
	e.gh.PageLimit(1)
	srv := e.newServer(t, time.Second)
	defer srv.Close()
	ctx := context.Background()

	got, err := srv.Poll(ctx)
	if err != nil || got != (jobs.Polled{Listed: 3, Inserted: 3}) {
		t.Fatalf("first poll = %+v, %v; want 3 listed, 3 enqueued", got, err)
	}
	want := []string{"7/acme/app", "7/acme/infra", "8/other/svc"}
	repos, scheduled := queuedRepos(t, e.dbPath)
	if !slices.Equal(repos, want) {
		t.Errorf("jobs %v, want %v", repos, want)
	}
	// Spread over the interval: only the first runs at once.
	if scheduled != 2 {
		t.Errorf("%d jobs scheduled for later, want 2", scheduled)
	}
	c := e.gh.Counts()
	if n := c.ByRoute["GET /app/installations"]; n != 3 {
		t.Errorf("%d pages of installations, want 3 (one per installation)", n)
	}
	if n := c.ByRoute["GET /installation/repositories"]; n != 4 {
		t.Errorf("%d pages of repositories, want 4 (2 for each active installation)", n)
	}

	got, err = srv.Poll(ctx)
	if err != nil || got != (jobs.Polled{Listed: 3}) {
		t.Errorf("second poll = %+v, %v; want 3 listed, none enqueued", got, err)
	}
	if repos, _ := queuedRepos(t, e.dbPath); !slices.Equal(repos, want) {
		t.Errorf("jobs after the second poll %v, want %v", repos, want)
	}
}

// A layer version published after the last reconcile reaches the
// repository through the periodic poll alone: no webhook is delivered.
func TestPollAloneOpensPullRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	root := t.TempDir()
	reconciletest.Publish(t, root, "us-east-1", account, "mylayer", 3)
	reg, err := layers.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	e.reg = reg
	e.poll = "1s"
	srv := e.start(t, 5*time.Second)
	defer func() {
		if t.Failed() {
			t.Log(e.logs.String())
		}
	}()

	// The poll at start reconciles the repository: nothing to bump yet.
	waitFor(t, "the poll at start", func() bool { return strings.Contains(e.logs.String(), `"msg":"reconciled"`) })
	if n := len(e.gh.Pulls(repoN)); n != 0 {
		t.Fatalf("%d pull requests before a new version exists", n)
	}
	reconciletest.Publish(t, root, "us-east-1", account, "mylayer", 4, 5)
	waitFor(t, "the pull request from a poll", func() bool { return len(e.gh.Pulls(repoN)) == 1 })
	if pr := e.gh.Pulls(repoN)[0]; pr.Title != "Bump mylayer layer from 3 to 5" {
		t.Errorf("PR title %q", pr.Title)
	}
	resp, err := http.Get(srv.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{`bumpbot_polls_total{outcome="succeeded"}`, `bumpbot_poll_repositories_total{result="enqueued"}`} {
		if !strings.Contains(string(b), m) {
			t.Errorf("metrics lack %q", m)
		}
	}
	if strings.Contains(string(b), "bumpbot_webhooks_total{") {
		t.Error("a webhook was counted; the poll alone should have opened the PR")
	}
	if err := srv.stop(); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}
