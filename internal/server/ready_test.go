package server_test

import (
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
	ready := func() int {
		t.Helper()
		resp, err := http.Get(srv.url + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := ready(); got != http.StatusOK {
		t.Fatalf("/readyz with the database up = %d, want 200", got)
	}
	if err := jobstest.SetReachable(e.databaseURL, false); err != nil {
		t.Fatal(err)
	}
	if got := ready(); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database gone = %d, want 503", got)
	}
	resp, err := http.Get(srv.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz with the database gone = %d, want 200 (the process is alive)", resp.StatusCode)
	}
	if err := jobstest.SetReachable(e.databaseURL, true); err != nil {
		t.Fatal(err)
	}
	// Pooled connections the server closed fail one by one before new
	// ones are opened: a probe or two may still fail.
	waitFor(t, "/readyz with the database back", func() bool { return ready() == http.StatusOK })
}
