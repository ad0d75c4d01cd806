package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/jobs"
)

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"user info", "postgres://bot:hunter2@db/bumpbot", "postgres://bot:xxxxx@db/bumpbot"},
		{"parameter", "postgres://bot@db/bumpbot?sslmode=require&password=hunter2", "postgres://bot@db/bumpbot?sslmode=require&password=xxxxx"},
		{"ssl key password", "postgresql://db/bumpbot?sslpassword=hunter2", "postgresql://db/bumpbot?sslpassword=xxxxx"},
		{"encoded key", "postgres://db/bumpbot?pass%77ord=hunter2", "postgres://db/bumpbot?pass%77ord=xxxxx"},
		{"both", "postgres://bot:hunter2@db/x?password=hunter2", "postgres://bot:xxxxx@db/x?password=xxxxx"},
		{"no password", "postgres://bot@db/bumpbot?host=/run/pg&port=5432", "postgres://bot@db/bumpbot?host=/run/pg&port=5432"},
	}
	for _, tc := range tests {
		if got := jobs.RedactURL(tc.in); got != tc.want {
			t.Errorf("%s: RedactURL(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// A connection error names the database without its password, however
// the URL carries it.
func TestConnectErrorHidesPassword(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, dsn := range []string{
		// Port 1 on loopback refuses the connection at once.
		"postgres://bot@127.0.0.1:1/bumpbot?password=hunter2&sslmode=disable&connect_timeout=5",
		"postgres://bot:hunter2@127.0.0.1:1/bumpbot?sslmode=disable&connect_timeout=5",
	} {
		db, err := jobs.OpenPostgres(ctx, dsn, 4)
		if err == nil {
			db.Close()
			t.Fatalf("OpenPostgres(%s) connected", jobs.RedactURL(dsn))
		}
		if msg := err.Error(); strings.Contains(msg, "hunter2") || !strings.Contains(msg, "connect to database postgres://bot") {
			t.Errorf("error %q: want the database named without its password", msg)
		}
	}
}
