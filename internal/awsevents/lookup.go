package awsevents

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/bumpbot/bumpbot/internal/repostate"
)

// lookups reads the layer index for events, the events that wait at the
// same time sharing one query per layer. A burst of publishes (a
// pipeline publishing to many regions, or EventBridge redelivering a
// backlog) would otherwise run one query per event, each waiting for
// SQLite's single connection behind the others and behind the writes
// that record the events: at 256 events in flight, most of an event's
// time went there.
//
// An event only shares a query that starts after it arrived, never one
// already running, so its answer is never older than the event: a
// repository whose reconcile recorded the pin just before still gets its
// reconcile.
type lookups struct {
	index Index

	mu      sync.Mutex
	waiting map[layerKey][]chan lookupResult
	running bool
}

type layerKey struct{ account, layer string }

type lookupResult struct {
	pins []repostate.Pin // shared by the waiters: read only
	err  error
}

// lookupTimeout bounds one query, which serves many events: no one
// event's cancellation may end it for the others.
const lookupTimeout = 30 * time.Second

// pinning is Index.Pinning, shared with the events waiting for the same
// layer. The returned slice may be shared with other callers: it must
// not be changed.
func (l *lookups) pinning(ctx context.Context, account, layer string) ([]repostate.Pin, error) {
	done := make(chan lookupResult, 1)
	k := layerKey{account, layer}
	l.mu.Lock()
	if l.waiting == nil {
		l.waiting = map[layerKey][]chan lookupResult{}
	}
	l.waiting[k] = append(l.waiting[k], done)
	if !l.running {
		l.running = true
		go l.run()
	}
	l.mu.Unlock()
	select {
	case r := <-done:
		return r.pins, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("layer index: %w", ctx.Err())
	}
}

// run answers the waiting lookups, one query per layer, until none
// waits.
func (l *lookups) run() {
	for {
		l.mu.Lock()
		batch := l.waiting
		l.waiting = nil
		if len(batch) == 0 {
			l.running = false
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		for k, waiters := range batch {
			ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
			pins, err := l.index.Pinning(ctx, k.account, k.layer)
			cancel()
			for _, done := range waiters {
				done <- lookupResult{pins: pins, err: err}
			}
		}
	}
}
