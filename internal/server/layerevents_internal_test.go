package server

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/layerarn"
)

// forgotten records the versions a replica's cache was told to forget.
type forgotten []string

func (f *forgotten) forget(a layerarn.ARN) { *f = append(*f, a.String()) }

// A layer event forgets the cached answers of the replica it reached at
// once, and of every other replica sharing the database before its next
// reconcile, once; an event older than the cache's lifetime is left
// alone and pruned.
func TestSharedForget(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := jobs.Open(ctx, filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var a, b forgotten
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ra, rb := newSharedForget(db, a.forget, slog.New(slog.DiscardHandler)), newSharedForget(db, b.forget, slog.New(slog.DiscardHandler))
	ra.now, rb.now = clock, clock
	catchUp := func(r *sharedForget) {
		t.Helper()
		if err := r.catchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	v4, _ := layerarn.Parse("arn:aws:lambda:us-east-1:123456789012:layer:alpha:4")
	ra.forget(v4)
	if len(a) != 1 || len(b) != 0 {
		t.Fatalf("after the event reached replica a: a forgot %v, b %v; want the version once in a only", a, b)
	}
	catchUp(rb)
	catchUp(rb)
	catchUp(ra)
	if want := []string{v4.String()}; !slices.Equal(a, want) || !slices.Equal(b, want) {
		t.Errorf("after catching up twice: a forgot %v, b %v; want %v each, once", a, b, want)
	}

	// The same version again (a redelivered event) is news again; an
	// event past the window is not.
	now = now.Add(time.Second)
	ra.forget(v4)
	catchUp(rb)
	if len(b) != 2 {
		t.Errorf("b forgot %v after a second event, want the version twice", b)
	}
	old, _ := layerarn.Parse("arn:aws:lambda:us-east-1:123456789012:layer:beta:2")
	if _, err := db.Exec(`INSERT INTO bumpbot_layer_event (arn, received_at) VALUES ($1, $2)`, old.String(), now.Add(-eventWindow-time.Second).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	catchUp(rb)
	if len(b) != 2 {
		t.Errorf("b forgot %v, want nothing more: the event is older than any cached answer", b)
	}
	now = now.Add(time.Second)
	ra.forget(v4)
	var rows int
	if err := db.QueryRow(`SELECT count(*) FROM bumpbot_layer_event WHERE arn = $1`, old.String()).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("%d rows of the old event (%v), want it pruned", rows, err)
	}
}
