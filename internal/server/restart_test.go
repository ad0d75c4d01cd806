package server_test

import (
	"strings"
	"testing"

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
		})
	}
}
