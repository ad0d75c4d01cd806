package server

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
)

// sharedForget carries a layer-publish or delete event to every replica
// on a shared database. Each replica caches layer listings for minutes
// (layers.Cache); the event reaches one replica, which forgets its cached
// answers for the layer at once, but a reconcile on another would resolve
// the layer from its own cache and open or keep a pull request on the
// previous version. So the receiving replica also writes the event's ARN
// to bumpbot_layer_event, and every replica forgets, before each
// reconcile, what the events it has not applied yet name.
type sharedForget struct {
	db    *sql.DB
	local func(layerarn.ARN)
	log   *slog.Logger
	now   func() time.Time

	mu sync.Mutex
	// applied holds the events this process has forgotten the layers of,
	// keyed by ARN and time, until they fall out of the window.
	applied map[layerEvent]bool
}

// layerEvent is a row of bumpbot_layer_event.
type layerEvent struct {
	arn string
	at  int64 // Unix milliseconds, by the receiving replica's clock
}

// eventWindow is how far back a replica looks for events: a cached answer
// older than the cache's lifetime is asked again anyway; the minute more
// covers the replicas' clocks disagreeing.
const eventWindow = layers.DefaultCacheTTL + time.Minute

func newSharedForget(db *sql.DB, local func(layerarn.ARN), log *slog.Logger) *sharedForget {
	return &sharedForget{db: db, local: local, log: log, now: time.Now, applied: map[layerEvent]bool{}}
}

// forget is the event handler's Forget: at once here, and recorded for
// the other replicas. A failure to record is logged; the event's own
// recording fails with it, and its redelivery comes back here.
func (f *sharedForget) forget(a layerarn.ARN) {
	f.local(a)
	ev := layerEvent{arn: a.String(), at: f.now().UnixMilli()}
	f.mu.Lock()
	f.applied[ev] = true
	f.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.record(ctx, ev); err != nil {
		f.log.Warn("cannot share a layer event with the other replicas", "layer", ev.arn, "error", err)
	}
}

func (f *sharedForget) record(ctx context.Context, ev layerEvent) error {
	if _, err := f.db.ExecContext(ctx, `INSERT INTO bumpbot_layer_event (arn, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, ev.arn, ev.at); err != nil {
		return fmt.Errorf("record layer event: %w", err)
	}
	// Rows past the window concern no cache any more.
	if _, err := f.db.ExecContext(ctx, `DELETE FROM bumpbot_layer_event WHERE received_at < $1`, ev.at-eventWindow.Milliseconds()); err != nil {
		return fmt.Errorf("prune layer events: %w", err)
	}
	return nil
}

// catchUp forgets the layers of the events other replicas received
// since this one last looked. A reconcile goes on without it when the
// database cannot say: its answers are then as old as the cache's.
func (f *sharedForget) catchUp(ctx context.Context) error {
	since := f.now().Add(-eventWindow).UnixMilli()
	rows, err := f.db.QueryContext(ctx, `SELECT arn, received_at FROM bumpbot_layer_event WHERE received_at >= $1`, since)
	if err != nil {
		return fmt.Errorf("read layer events: %w", err)
	}
	defer rows.Close()
	var fresh []layerEvent
	for rows.Next() {
		var ev layerEvent
		if err := rows.Scan(&ev.arn, &ev.at); err != nil {
			return fmt.Errorf("read layer events: %w", err)
		}
		fresh = append(fresh, ev)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read layer events: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for ev := range f.applied {
		if ev.at < since {
			delete(f.applied, ev)
		}
	}
	for _, ev := range fresh {
		if f.applied[ev] {
			continue
		}
		f.applied[ev] = true
		a, err := layerarn.Parse(ev.arn)
		if err != nil {
			f.log.Warn("layer event names no layer version", "layer", ev.arn, "error", err)
			continue
		}
		f.local(a)
	}
	return nil
}
