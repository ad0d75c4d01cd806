package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/jobs/jobstest"
)

// A restarted server (a new process on the same database) reconciles an
// unchanged repository for at most one charged GitHub request (its new
// installation token): the ETag answers, the files read, the bot's
// branch heads and the org files live in the database, not in memory.
func TestRestartKeepsCaches(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			if db == "postgres" {
				e.databaseURL = jobstest.Database(t)
			}
			first := e.start(t, 5e9)
			if status, _ := deliver(t, first.url, "installation", "del-1", installationCreated); status != 202 {
				t.Fatalf("installation webhook: %d", status)
			}
			waitFor(t, "first reconcile", func() bool { return strings.Contains(e.logs.String(), `"msg":"reconciled"`) })
			// A second reconcile before the restart: the first one opened
			// the pull request, so the listing it cached is stale and the
			// next listing is charged wherever it runs. From here on the
			// repository is unchanged.
			if status, _ := deliver(t, first.url, "push", "del-2", pushMainTF(e.gh)); status != 202 {
				t.Fatalf("push webhook: %d", status)
			}
			waitFor(t, "second reconcile", func() bool { return strings.Count(e.logs.String(), `"msg":"reconciled"`) >= 2 })
			if err := first.stop(); err != nil {
				t.Fatal(err)
			}

			second := e.start(t, 5e9)
			e.gh.ResetCounts()
			if status, _ := deliver(t, second.url, "push", "del-3", pushMainTF(e.gh)); status != 202 {
				t.Fatalf("push webhook: %d", status)
			}
			waitFor(t, "reconcile after the restart", func() bool { return strings.Count(e.logs.String(), `"msg":"reconciled"`) >= 3 })
			if c := e.gh.Counts(); c.Writes != 0 || c.RateLimited > 1 {
				t.Errorf("unchanged repository after a restart: %d writes, %d charged requests: %v", c.Writes, c.RateLimited, c.ByRoute)
			}
			if n := len(e.gh.Pulls(repoN)); n != 1 {
				t.Errorf("%d pull requests, want 1", n)
			}
			assertNoTokenKept(t, e)
		})
	}
}

// assertNoTokenKept checks that no installation token GitHub handed out
// was written to the database with the cached answers (httpcache keeps
// the request's value of each header an answer varies by).
func assertNoTokenKept(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	var db *sql.DB
	var err error
	if e.databaseURL != "" {
		db, err = jobs.OpenPostgres(ctx, e.databaseURL, 4)
	} else {
		db, err = jobs.Open(ctx, e.dbPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT kind, key, value FROM bumpbot_gh_cache`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var kind, key string
		var value []byte
		if err := rows.Scan(&kind, &key, &value); err != nil {
			t.Fatal(err)
		}
		n++
		for _, tok := range e.gh.Tokens() {
			if strings.Contains(key, tok) || bytes.Contains(value, []byte(tok)) {
				t.Errorf("the GitHub cache keeps an installation token (%s %s)", kind, key)
			}
		}
	}
	if n == 0 {
		t.Error("the GitHub cache is empty")
	}
}
