package server_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"
)

// A job for an installation GitHub no longer knows (its token request
// answers 404: the app was uninstalled) is cancelled after its first
// attempt instead of being retried for days.
func TestUninstalledInstallationIsNotRetried(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := e.start(t, 5*time.Second)
	const gone = 404404
	push := pushMainTF(e.gh)
	push["installation"] = map[string]any{"id": gone}
	if status, body := deliver(t, srv.url, "push", "del-gone", push); status != 202 {
		t.Fatalf("push webhook: %d %s", status, body)
	}
	state, attempt := jobEnd(t, e.dbPath, `json_extract(args, '$.installation_id') = ?`, gone)
	if state != "cancelled" || attempt != 1 {
		t.Errorf("job %s after %d attempts, want cancelled after 1", state, attempt)
	}
	// One look at the installation (its account, or a token), no retry.
	c := e.gh.Counts().ByRoute
	if n := c["POST /app/installations/{id}/access_tokens"] + c["GET /app/installations/{id}"]; n != 1 {
		t.Errorf("%d installation requests, want 1: %v", n, c)
	}
}

// A repository name from a signed payload that GitHub would refuse
// reaches no API path and is not retried.
func TestBadRepositoryNameIsFinal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := e.start(t, 5*time.Second)
	push := pushMainTF(e.gh)
	push["repository"] = map[string]any{"id": 1, "name": "infra", "full_name": "../app", "default_branch": "main"}
	if status, body := deliver(t, srv.url, "push", "del-badname", push); status != 202 && status != 400 {
		t.Fatalf("push webhook: %d %s", status, body)
	}
	state, attempt := jobEnd(t, e.dbPath, `json_extract(args, '$.repo') = ?`, "../app")
	if state != "cancelled" || attempt != 1 {
		t.Errorf("job %s after %d attempts, want cancelled after 1", state, attempt)
	}
	for route := range e.gh.Counts().ByRoute {
		if strings.Contains(route, "{repo}") {
			t.Errorf("a repository request was made: %s", route)
		}
	}
}

// jobEnd waits until the reconcile job matching where (a condition on
// river_job with one argument) has ended, and returns its state and the
// attempts it took.
func jobEnd(t *testing.T, dbPath, where string, arg any) (string, int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var state string
	var attempt int
	waitFor(t, "the job to end", func() bool {
		err := db.QueryRow(`SELECT state, attempt FROM river_job WHERE kind = 'bumpbot_reconcile_repo' AND `+where, arg).Scan(&state, &attempt)
		if err == sql.ErrNoRows {
			return false
		}
		if err != nil {
			t.Fatal(err)
		}
		return state != "available" && state != "running"
	})
	return state, attempt
}
