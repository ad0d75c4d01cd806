// Package ghstore keeps the GitHub client's state in the job database
// (SQLite, or PostgreSQL shared by replicas) instead of in memory, so a
// restart or a deploy costs no more GitHub requests than any other
// reconcile: the ETag cache (the answers conditional requests revalidate,
// trees included), the files each repository's last reconcile read, a few
// facts (the app's slug, an installation's account) and the write pacing
// of each installation (pacer.go).
package ghstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// schema is written in the SQL both databases accept (BYTEA is a type
// name SQLite stores blobs under as they are).
var schema = []string{
	`CREATE TABLE IF NOT EXISTS bumpbot_gh_cache (
	kind    TEXT NOT NULL,
	key     TEXT NOT NULL,
	value   BYTEA NOT NULL,
	size    BIGINT NOT NULL,
	used_at BIGINT NOT NULL,
	PRIMARY KEY (kind, key)
)`,
	`CREATE INDEX IF NOT EXISTS bumpbot_gh_cache_used ON bumpbot_gh_cache (used_at)`,
	`CREATE TABLE IF NOT EXISTS bumpbot_write_pace (
	installation_id BIGINT PRIMARY KEY,
	sent            TEXT NOT NULL,
	paused_until    BIGINT NOT NULL,
	writes          BIGINT NOT NULL,
	limited         BIGINT NOT NULL
)`,
}

// Kinds of cached entries.
const (
	// KindHTTP is a GitHub answer as httpcache dumps it, by installation
	// and URL.
	KindHTTP = "http"
	// KindBlob is the files a repository's last reconcile read.
	KindBlob = "blob"
	// KindFact is a small fact GitHub told (the app's slug).
	KindFact = "fact"
)

// DefaultMaxBytes bounds the cache when Options.MaxBytes is 0: the
// answers and files of about 10,000 repositories of 100 files, on disk.
const DefaultMaxBytes = 256 << 20

// Options tune a Store.
type Options struct {
	// MaxBytes bounds the cached values and keys; the least recently
	// used go first. 0 means DefaultMaxBytes.
	MaxBytes int64
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Store is the cache in the database. It is safe for concurrent use, by
// several processes too.
type Store struct {
	db       *sql.DB
	postgres bool
	max      int64
	now      func() time.Time
	// written counts bytes set since the last size check: the table's
	// size is summed only when enough was written to matter.
	written atomic.Int64
	evictMu sync.Mutex
}

// Open creates the tables if needed and returns the store over db, a
// database opened by the jobs package.
func Open(ctx context.Context, db *sql.DB, opts Options) (*Store, error) {
	for _, stmt := range schema {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return nil, fmt.Errorf("github cache: %w", err)
		}
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	_, pg := db.Driver().(*stdlib.Driver)
	return &Store{db: db, postgres: pg, max: opts.MaxBytes, now: opts.Now}, nil
}

// opTimeout bounds one cache operation made without a context (httpcache's
// interface has none): a stuck database turns into a cache miss.
const opTimeout = 10 * time.Second

// touchAfter is how stale an entry's use time may get before a read
// refreshes it: eviction is least-recently-used to within this, and a
// read rarely costs a write.
const touchAfter = time.Hour

// Get returns the value of kind and key.
func (s *Store) Get(kind, key string) ([]byte, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	v, ok, err := s.GetContext(ctx, kind, key)
	return v, ok && err == nil
}

// GetContext returns the value of kind and key, and whether there is one.
func (s *Store) GetContext(ctx context.Context, kind, key string) ([]byte, bool, error) {
	var v []byte
	var used int64
	err := s.db.QueryRowContext(ctx, `SELECT value, used_at FROM bumpbot_gh_cache WHERE kind = $1 AND key = $2`, kind, key).Scan(&v, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("github cache: get %s: %w", kind, err)
	}
	if now := s.now(); now.Sub(time.UnixMilli(used)) > touchAfter {
		if _, err := s.db.ExecContext(ctx, `UPDATE bumpbot_gh_cache SET used_at = $1 WHERE kind = $2 AND key = $3`, now.UnixMilli(), kind, key); err != nil {
			return nil, false, fmt.Errorf("github cache: touch %s: %w", kind, err)
		}
	}
	return v, true, nil
}

// Set stores value under kind and key. Errors are dropped: a value not
// stored costs a request later, never correctness.
func (s *Store) Set(kind, key string, value []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	_ = s.SetContext(ctx, kind, key, value)
}

// SetContext stores value under kind and key, evicting the least recently
// used entries when the store grows past its bound.
func (s *Store) SetContext(ctx context.Context, kind, key string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	size := int64(len(kind) + len(key) + len(value))
	if size > s.max {
		return s.DeleteContext(ctx, kind, key)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO bumpbot_gh_cache (kind, key, value, size, used_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, size = excluded.size, used_at = excluded.used_at`,
		kind, key, value, size, s.now().UnixMilli()); err != nil {
		return fmt.Errorf("github cache: set %s: %w", kind, err)
	}
	if s.written.Add(size) > s.max/16 {
		s.written.Store(0)
		return s.evict(ctx)
	}
	return nil
}

// Delete drops kind and key.
func (s *Store) Delete(kind, key string) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	_ = s.DeleteContext(ctx, kind, key)
}

// DeleteContext drops kind and key.
func (s *Store) DeleteContext(ctx context.Context, kind, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM bumpbot_gh_cache WHERE kind = $1 AND key = $2`, kind, key); err != nil {
		return fmt.Errorf("github cache: delete %s: %w", kind, err)
	}
	return nil
}

// Size returns the number of entries and their total size.
func (s *Store) Size(ctx context.Context) (n int64, bytes int64, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(size), 0) FROM bumpbot_gh_cache`).Scan(&n, &bytes)
	if err != nil {
		return 0, 0, fmt.Errorf("github cache: size: %w", err)
	}
	return n, bytes, nil
}

// evictBatch is how many of the least recently used entries one pass
// considers.
const evictBatch = 500

// evict drops the least recently used entries until the store holds at
// most seven eighths of its bound, so the next passes are rare.
func (s *Store) evict(ctx context.Context) error {
	s.evictMu.Lock()
	defer s.evictMu.Unlock()
	for {
		_, total, err := s.Size(ctx)
		if err != nil || total <= s.max {
			return err
		}
		excess := total - s.max/8*7
		rows, err := s.db.QueryContext(ctx, `SELECT kind, key, size FROM bumpbot_gh_cache ORDER BY used_at LIMIT $1`, evictBatch)
		if err != nil {
			return fmt.Errorf("github cache: evict: %w", err)
		}
		type victim struct{ kind, key string }
		var victims []victim
		for rows.Next() && excess > 0 {
			var v victim
			var size int64
			if err := rows.Scan(&v.kind, &v.key, &size); err != nil {
				rows.Close()
				return fmt.Errorf("github cache: evict: %w", err)
			}
			victims = append(victims, v)
			excess -= size
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("github cache: evict: %w", err)
		}
		if len(victims) == 0 {
			return nil
		}
		for _, v := range victims {
			if err := s.DeleteContext(ctx, v.kind, v.key); err != nil {
				return err
			}
		}
	}
}
