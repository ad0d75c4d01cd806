package ghstore_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghstore"
	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/jobs/jobstest"
)

func TestMain(m *testing.M) { os.Exit(jobstest.Main(m)) }

// onEachDatabase runs f on a new SQLite database and on a new PostgreSQL
// one (skipped, with the reason, without PostgreSQL's binaries), each
// opened as serve opens them.
func onEachDatabase(t *testing.T, f func(t *testing.T, db *sql.DB)) {
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, openDB(t, name == "postgres"))
		})
	}
}

// openDB opens a new database: PostgreSQL when pg, else SQLite.
func openDB(t *testing.T, pg bool) *sql.DB {
	t.Helper()
	ctx := context.Background()
	var db *sql.DB
	var err error
	if pg {
		db, err = jobs.OpenPostgres(ctx, jobstest.Database(t), 8)
	} else {
		db, err = jobs.Open(ctx, filepath.Join(t.TempDir(), "q.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Values survive a new Store on the same database, and the store keeps
// within its bound by dropping the least recently used.
func TestStoreBoundedAndKept(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *sql.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		s, err := ghstore.Open(ctx, db, ghstore.Options{MaxBytes: 16 << 10, Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		s.Set(ghstore.KindHTTP, "7 https://api/x", []byte("answer"))
		s.Set(ghstore.KindFact, "app/slug", []byte("bumpbot"))
		if err := s.SaveBlobs(ctx, "7/acme/infra", map[string][]byte{"abc": []byte("file"), "def": nil}); err != nil {
			t.Fatal(err)
		}

		again, err := ghstore.Open(ctx, db, ghstore.Options{MaxBytes: 16 << 10, Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := again.Get(ghstore.KindHTTP, "7 https://api/x"); !ok || string(v) != "answer" {
			t.Errorf("http answer after reopening = %q, %v", v, ok)
		}
		if _, ok := again.Get(ghstore.KindHTTP, "8 https://api/x"); ok {
			t.Error("another key hits")
		}
		blobs, err := again.LoadBlobs(ctx, "7/acme/infra")
		if err != nil || string(blobs["abc"]) != "file" || blobs["def"] != nil || len(blobs) != 2 {
			t.Errorf("blobs after reopening = %q, %v", blobs, err)
		}
		again.Delete(ghstore.KindFact, "app/slug")
		if _, ok := again.Get(ghstore.KindFact, "app/slug"); ok {
			t.Error("deleted fact still there")
		}

		// 64 values of 1 KiB, one a minute: the store keeps within
		// 16 KiB, the newest stay, the oldest went.
		for i := range 64 {
			now = now.Add(time.Minute)
			again.Set(ghstore.KindHTTP, "k"+string(rune('A'+i)), make([]byte, 1024))
		}
		n, size, err := again.Size(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if size > 16<<10 || n < 8 {
			t.Errorf("store holds %d entries, %d bytes; want within 16 KiB and not emptied", n, size)
		}
		if _, ok := again.Get(ghstore.KindHTTP, "k"+string(rune('A'+63))); !ok {
			t.Error("the newest entry was evicted")
		}
		if _, ok := again.Get(ghstore.KindHTTP, "kA"); ok {
			t.Error("the oldest entry is still there")
		}
	})
}
