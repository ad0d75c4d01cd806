// Package repostatetest opens the per-repository state on a throwaway
// SQLite job database, for tests.
package repostatetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/repostate"
)

// Open returns an empty store in a database of the test's own, closed
// when the test ends.
func Open(tb testing.TB) *repostate.Store {
	tb.Helper()
	db, err := jobs.Open(context.Background(), filepath.Join(tb.TempDir(), "state.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	s, err := repostate.Open(context.Background(), db)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
