package ghapp_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/bumpbot/bumpbot/internal/ghapp"
)

// gate is a WriteGate that counts what it let through and the answers
// it was handed.
type gate struct {
	mu                 sync.Mutex
	acquired, answered int
	inFlight, most     int
	installations      map[int64]bool
	statuses           []int
}

func (g *gate) Acquire(_ context.Context, installation int64) (func(*http.Response, error), error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.acquired++
	if g.installations == nil {
		g.installations = map[int64]bool{}
	}
	g.installations[installation] = true
	return func(resp *http.Response, _ error) {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.answered++
		if resp != nil {
			g.statuses = append(g.statuses, resp.StatusCode)
		}
	}, nil
}

// Every write of a publish goes through the installation's WriteGate and
// hands it its answer; reads do not.
func TestWritesGoThroughTheGate(t *testing.T) {
	t.Parallel()
	gh := fakeGitHub(t, map[string]string{"main.tf": "v1\n"})
	g := &gate{}
	r := forge(t, client(t, gh, ghapp.Config{Writes: g}))
	snap, err := r.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if g.acquired != 0 {
		t.Fatalf("reads went through the gate: %d", g.acquired)
	}
	gh.ResetCounts()
	if _, err := r.Publish(context.Background(), change(snap, "bumpbot/x", "v2\n"), nil); err != nil {
		t.Fatal(err)
	}
	c := gh.Counts()
	if c.Writes == 0 || g.acquired != c.Writes || g.answered != c.Writes || len(g.statuses) != c.Writes {
		t.Errorf("GitHub saw %d writes; the gate let %d through and heard %d answers", c.Writes, g.acquired, g.answered)
	}
	if !g.installations[inst] || len(g.installations) != 1 {
		t.Errorf("gate asked for installations %v, want only %d", g.installations, inst)
	}
}
