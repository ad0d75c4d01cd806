// Package jobs is bumpbot's durable work queue: River on SQLite (one file,
// pure Go), the reconcile job, and the delivery log that makes webhook
// redeliveries harmless.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// schema holds bumpbot's own tables, next to River's.
//
// bumpbot_delivery remembers every webhook delivery id recorded, so a
// redelivery (same X-GitHub-Delivery) is acknowledged without new work.
// bumpbot_repo_request counts reconcile requests per repository; a job
// compares the count before and after its run to know whether an event
// arrived while it ran (River's uniqueness then refused a second job).
const schema = `
CREATE TABLE IF NOT EXISTS bumpbot_delivery (
	id          TEXT PRIMARY KEY,
	event       TEXT NOT NULL,
	received_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS bumpbot_delivery_received ON bumpbot_delivery (received_at);
CREATE TABLE IF NOT EXISTS bumpbot_repo_request (
	installation_id INTEGER NOT NULL,
	repo            TEXT NOT NULL,
	seq             INTEGER NOT NULL,
	PRIMARY KEY (installation_id, repo)
);`

// Open opens (creating if needed) the SQLite database at path and brings
// River's and bumpbot's tables up to date. path ":memory:" is not useful
// (each connection would get its own database); use a file in a temporary
// directory in tests.
func Open(ctx context.Context, path string) (*sql.DB, error) {
	// WAL lets readers (health checks, metrics) proceed during a write;
	// synchronous=NORMAL keeps commits durable across a process crash
	// (not across power loss), which is what a webhook acknowledgement
	// promises; busy_timeout covers a second process on the same file.
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(5000)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// SQLite has one writer; a single connection serializes everything in
	// the process instead of failing with SQLITE_BUSY.
	db.SetMaxOpenConns(1)
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	return db, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	m, err := rivermigrate.New(riversqlite.New(db), nil)
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river: %w", err)
	}
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("bumpbot tables: %w", err)
	}
	return nil
}
