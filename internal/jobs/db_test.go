package jobs_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/bumpbot/bumpbot/internal/jobs"
)

// The SQLite file, and the WAL files beside it, are readable by their
// owner only.
func TestOpenCreatesPrivateFiles(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bumpbot.db")
	db, err := jobs.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group and others", filepath.Base(p), mode)
		}
	}
}
