package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/jobs/jobstest"
)

// The serving log line names the PostgreSQL database without the
// password given as a URL parameter (the server trusts local
// connections, so the password is accepted and ignored).
func TestServingLogHidesDatabasePassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.databaseURL = jobstest.Database(t) + "&password=hunter2-db-secret"
	srv := e.start(t, 5*time.Second)
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, `"msg":"serving"`) || !strings.Contains(logs, "password=xxxxx") {
		t.Errorf("no serving line with the masked database URL:\n%s", logs)
	}
	if strings.Contains(logs, "hunter2-db-secret") {
		t.Errorf("the logs hold the database password:\n%s", logs)
	}
}
