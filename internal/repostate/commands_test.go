package repostate_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/repostate/repostatetest"
)

// A command is stored once by comment id, even after it was carried out,
// so a redelivered webhook never brings it back.
func TestCommandsStoredOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := repostatetest.Open(t)
	c := repostate.Command{CommentID: 42, Number: 1, Author: "alice", Body: "@bumpbot help", ReceivedAt: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
	for range 2 {
		if err := s.AddCommand(ctx, 1, "acme/a", c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.PendingCommands(ctx, 1, "acme/a")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]repostate.Command{c}, got); diff != "" {
		t.Errorf("pending (-want +got):\n%s", diff)
	}
	if err := s.FinishCommand(ctx, 1, "acme/a", 42); err != nil {
		t.Fatal(err)
	}
	if err := s.AddCommand(ctx, 1, "acme/a", c); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PendingCommands(ctx, 1, "acme/a"); err != nil || len(got) != 0 {
		t.Errorf("after finishing and a redelivery: %v, %v; want none pending", got, err)
	}
}

// Ignores are recorded once per range and removed per layer.
func TestCommandIgnores(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := repostatetest.Open(t)
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	v5 := repostate.CommandIgnore{Layer: "mylayer", Min: 5, Max: 5, Author: "alice", Created: at}
	whole := repostate.CommandIgnore{Layer: "other", Author: "bob", Created: at.Add(time.Hour)}
	for _, ig := range []repostate.CommandIgnore{v5, v5, whole} {
		if err := s.AddIgnore(ctx, 1, "acme/a", ig); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Ignores(ctx, 1, "acme/a")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]repostate.CommandIgnore{v5, whole}, got); diff != "" {
		t.Errorf("ignores (-want +got):\n%s", diff)
	}
	if n, err := s.RemoveIgnores(ctx, 1, "acme/a", "mylayer"); err != nil || n != 1 {
		t.Errorf("RemoveIgnores = %d, %v; want 1", n, err)
	}
	if got, _ := s.Ignores(ctx, 1, "acme/a"); len(got) != 1 || got[0].Layer != "other" {
		t.Errorf("after unignore: %+v", got)
	}
	if got, _ := s.Ignores(ctx, 1, "acme/b"); len(got) != 0 {
		t.Errorf("another repository sees %+v", got)
	}
}
