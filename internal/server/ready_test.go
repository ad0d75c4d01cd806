package server_test

import (
	"database/sql"
	"net/http"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/jobs/jobstest"
)

// /readyz reports whether the PostgreSQL database answers: a load
// balancer takes a replica that lost it out of rotation, and back in
// when it returns.
func TestReadyzFollowsPostgres(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.databaseURL = jobstest.Database(t)
	srv := e.start(t, 5*time.Second)
	ready := func() int { return get(t, srv.url+"/readyz") }
	if got := ready(); got != http.StatusOK {
		t.Fatalf("/readyz with the database up = %d, want 200", got)
	}
	if err := jobstest.SetReachable(e.databaseURL, false); err != nil {
		t.Fatal(err)
	}
	if got := ready(); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database gone = %d, want 503", got)
	}
	if got := get(t, srv.url+"/healthz"); got != http.StatusOK {
		t.Errorf("/healthz with the database gone = %d, want 200 (the process is alive)", got)
	}
	if err := jobstest.SetReachable(e.databaseURL, true); err != nil {
		t.Fatal(err)
	}
	// Pooled connections the server closed fail one by one before new
	// ones are opened: a probe or two may still fail.
	waitFor(t, "/readyz with the database back", func() bool { return ready() == http.StatusOK })
}

// /readyz reports whether a delivery can be recorded, not only whether
// the database answers: with the delivery table broken every webhook
// fails, and the replica must leave the rotation until it is repaired.
func TestReadyzFollowsRecording(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := e.start(t, 5*time.Second)
	ready := func() int { return get(t, srv.url+"/readyz") }
	if got := ready(); got != http.StatusOK {
		t.Fatalf("/readyz on a sound database = %d, want 200", got)
	}
	db, err := sql.Open("sqlite", "file:"+e.dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`ALTER TABLE bumpbot_delivery RENAME TO bumpbot_delivery_broken`); err != nil {
		t.Fatal(err)
	}
	if status, body := deliver(t, srv.url, "installation", "d-broken", installationCreated); status != http.StatusInternalServerError {
		t.Errorf("webhook with the delivery table gone = %d %s, want 500", status, body)
	}
	if got := ready(); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the delivery table gone = %d, want 503", got)
	}
	if _, err := db.Exec(`ALTER TABLE bumpbot_delivery_broken RENAME TO bumpbot_delivery`); err != nil {
		t.Fatal(err)
	}
	if got := ready(); got != http.StatusOK {
		t.Errorf("/readyz with the delivery table repaired = %d, want 200", got)
	}
	if status, body := deliver(t, srv.url, "installation", "d-repaired", installationCreated); status != http.StatusAccepted {
		t.Errorf("webhook with the delivery table repaired = %d %s, want 202", status, body)
	}
	var left int
	if err := db.QueryRow(`SELECT count(*) FROM bumpbot_delivery WHERE received_at = -1`).Scan(&left); err != nil || left != 0 {
		t.Errorf("probe rows left in the delivery table: %d (%v), want 0", left, err)
	}
}
