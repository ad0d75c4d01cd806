package awsevents

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/bumpbot/bumpbot/internal/repostate"
)

// gatedIndex answers each query with its number (1, 2, ...) as the pin's
// version, the first query only once released.
type gatedIndex struct {
	calls   atomic.Int64
	entered chan struct{}
	release chan struct{}
}

func (g *gatedIndex) Pinning(ctx context.Context, account, layer string) ([]repostate.Pin, error) {
	n := g.calls.Add(1)
	if n == 1 {
		close(g.entered)
		<-g.release
	}
	return []repostate.Pin{{Account: account, Layer: layer, Version: int(n)}}, nil
}

// Events waiting while a query runs share the next one, and none is
// answered by the query that started before it arrived.
func TestLookupsShareTheNextQuery(t *testing.T) {
	idx := &gatedIndex{entered: make(chan struct{}), release: make(chan struct{})}
	l := &lookups{index: idx}
	ctx := context.Background()
	first := make(chan []repostate.Pin, 1)
	go func() {
		pins, _ := l.pinning(ctx, "123456789012", "base")
		first <- pins
	}()
	<-idx.entered
	const waiters = 20
	var wg sync.WaitGroup
	got := make([][]repostate.Pin, waiters)
	for i := range waiters {
		wg.Go(func() {
			pins, err := l.pinning(ctx, "123456789012", "base")
			if err != nil {
				t.Error(err)
			}
			got[i] = pins
		})
	}
	// Release the first query only once every waiter is queued behind it
	// (or has gone to the index on its own, which the checks below catch).
	for idx.calls.Load() == 1 {
		l.mu.Lock()
		n := len(l.waiting[layerKey{"123456789012", "base"}])
		l.mu.Unlock()
		if n == waiters {
			break
		}
		runtime.Gosched()
	}
	close(idx.release)
	wg.Wait()
	if pins := <-first; len(pins) != 1 || pins[0].Version != 1 {
		t.Errorf("first lookup got %+v, want the first query's answer", pins)
	}
	for i, pins := range got {
		if len(pins) != 1 || pins[0].Version != 2 {
			t.Errorf("waiter %d got %+v, want the second query's answer", i, pins)
		}
	}
	if n := idx.calls.Load(); n != 2 {
		t.Errorf("%d queries for %d lookups of one layer, want 2", n, waiters+1)
	}
}

// Different layers waiting together get a query each, with their own
// answer.
func TestLookupsPerLayer(t *testing.T) {
	idx := &gatedIndex{entered: make(chan struct{}), release: make(chan struct{})}
	close(idx.release)
	l := &lookups{index: idx}
	var wg sync.WaitGroup
	for _, layer := range []string{"a", "b", "c"} {
		wg.Go(func() {
			pins, err := l.pinning(context.Background(), "123456789012", layer)
			if err != nil || len(pins) != 1 || pins[0].Layer != layer {
				t.Errorf("lookup of %s: %+v, %v", layer, pins, err)
			}
		})
	}
	wg.Wait()
}
