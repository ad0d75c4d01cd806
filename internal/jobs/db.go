// Package jobs is bumpbot's durable work queue: River on SQLite (one file,
// pure Go) or on PostgreSQL (several replicas sharing the load), the
// reconcile job, and the delivery log that makes webhook redeliveries
// harmless.
package jobs

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// schema holds bumpbot's own tables, next to River's. Each statement is
// accepted by SQLite and PostgreSQL alike (BIGINT is an INTEGER column to
// SQLite), and they run one at a time because a multi-statement string
// is not portable across database/sql drivers.
//
// bumpbot_delivery remembers every webhook delivery id recorded, so a
// redelivery (same X-GitHub-Delivery) is acknowledged without new work.
// bumpbot_repo_request counts reconcile requests per repository; a job
// compares the count before and after its run to know whether an event
// arrived while it ran (River's uniqueness then refused a second job).
var schema = []string{
	`CREATE TABLE IF NOT EXISTS bumpbot_delivery (
	id          TEXT PRIMARY KEY,
	event       TEXT NOT NULL,
	received_at BIGINT NOT NULL
)`,
	`CREATE INDEX IF NOT EXISTS bumpbot_delivery_received ON bumpbot_delivery (received_at)`,
	`CREATE TABLE IF NOT EXISTS bumpbot_repo_request (
	installation_id BIGINT NOT NULL,
	repo            TEXT NOT NULL,
	seq             BIGINT NOT NULL,
	PRIMARY KEY (installation_id, repo)
)`,
	// bumpbot_layer_event holds the layer versions publish and delete
	// events named in the last minutes, so that replicas other than the
	// one an event reached forget their cached answers too.
	`CREATE TABLE IF NOT EXISTS bumpbot_layer_event (
	arn         TEXT NOT NULL,
	received_at BIGINT NOT NULL,
	PRIMARY KEY (arn, received_at)
)`,
	`CREATE INDEX IF NOT EXISTS bumpbot_layer_event_received ON bumpbot_layer_event (received_at)`,
}

// Open opens (creating if needed) the SQLite database at path and brings
// River's and bumpbot's tables up to date. path ":memory:" is not useful
// (each connection would get its own database); use a file in a temporary
// directory in tests.
func Open(ctx context.Context, path string) (*sql.DB, error) {
	// WAL lets readers (health checks, metrics) proceed during a write;
	// synchronous=NORMAL keeps commits durable across a process crash
	// (not across power loss), which is what a webhook acknowledgement
	// promises; busy_timeout covers a second process on the same file.
	if err := createPrivate(path); err != nil {
		return nil, err
	}
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

// createPrivate creates the database file at path, readable by its owner
// only, unless it exists: the queue holds repository names and webhook
// payload details, and SQLite would create it 0644. SQLite gives the
// -wal and -shm files the mode of the database file. An existing file
// keeps the mode its owner chose.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	return f.Close()
}

// IsPostgresURL reports whether s names a PostgreSQL database
// (postgres:// or postgresql://) rather than a SQLite file.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// migrate brings River's tables and bumpbot's up to date. River applies
// each of its migrations in a transaction of its own (PostgreSQL refuses
// to use an enum value in the transaction that added it), so on
// PostgreSQL a session advisory lock, held on a connection of its own for
// the whole run, keeps replicas starting together from racing on CREATE
// TABLE: they migrate one after the other and the later ones find
// nothing to do.
func migrate(ctx context.Context, db *sql.DB) (err error) {
	d, err := dialectOf(db)
	if err != nil {
		return err
	}
	m, err := rivermigrate.New(d.river(db), nil)
	if err != nil {
		return err
	}
	if d.lockMigrations != "" {
		unlock, err := lockSession(ctx, db, d.lockMigrations, d.unlockMigrations)
		if err != nil {
			return fmt.Errorf("lock migrations: %w", err)
		}
		defer func() { err = errors.Join(err, unlock()) }()
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river: %w", err)
	}
	for _, stmt := range schema {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("bumpbot tables: %w", err)
		}
	}
	return nil
}

// lockSession runs lock on a connection taken from db and returns a
// function that runs unlock on it and gives it back. A connection whose
// unlock failed is closed rather than pooled: the server then drops the
// lock with the session, where a pooled one would hold it for good.
func lockSession(ctx context.Context, db *sql.DB, lock, unlock string) (func() error, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, lock); err != nil {
		conn.Close()
		return nil, err
	}
	return func() error {
		_, err := conn.ExecContext(context.WithoutCancel(ctx), unlock)
		if err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn }) //nolint:errcheck // the error is the point
			err = fmt.Errorf("unlock migrations: %w", err)
		}
		return errors.Join(err, conn.Close())
	}, nil
}
