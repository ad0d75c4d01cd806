package server_test

import (
	"database/sql"
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
	db, err := sql.Open("sqlite", "file:"+e.dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var state string
	var attempt int
	waitFor(t, "the job to end", func() bool {
		err := db.QueryRow(`SELECT state, attempt FROM river_job WHERE kind = 'bumpbot_reconcile_repo' AND json_extract(args, '$.installation_id') = ?`, gone).Scan(&state, &attempt)
		if err != nil && err != sql.ErrNoRows {
			t.Fatal(err)
		}
		return state != "" && state != "available" && state != "running"
	})
	if state != "cancelled" || attempt != 1 {
		t.Errorf("job %s after %d attempts, want cancelled after 1", state, attempt)
	}
	if n := e.gh.Counts().ByRoute["POST /app/installations/{id}/access_tokens"]; n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
}
