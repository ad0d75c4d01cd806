package repostate_test

import (
	"context"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/repostate/repostatetest"
)

// An edit of the dashboard is stored once, even after it was carried
// out, so a redelivered webhook never brings it back; another edit (a
// later time) is a new one.
func TestDashboardEditsStoredOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := repostatetest.Open(t)
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	e := repostate.DashboardEdit{Number: 3, Author: "alice", Body: "- [x] <!-- bumpbot-open: bumpbot/a -->", EditedAt: at, ReceivedAt: at}
	for range 2 {
		if err := s.AddDashboardEdit(ctx, 1, "acme/a", e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.PendingDashboardEdits(ctx, 1, "acme/a")
	if err != nil || len(got) != 1 || got[0].Author != "alice" || got[0].Body != e.Body || got[0].Number != 3 || !got[0].ReceivedAt.Equal(at) {
		t.Fatalf("pending %+v, %v; want the one edit", got, err)
	}
	if err := s.FinishDashboardEdit(ctx, 1, "acme/a", got[0].Key); err != nil {
		t.Fatal(err)
	}
	if err := s.AddDashboardEdit(ctx, 1, "acme/a", e); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PendingDashboardEdits(ctx, 1, "acme/a"); err != nil || len(got) != 0 {
		t.Errorf("after finishing and a redelivery: %v, %v; want none pending", got, err)
	}
	e.EditedAt = at.Add(time.Minute)
	if err := s.AddDashboardEdit(ctx, 1, "acme/a", e); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PendingDashboardEdits(ctx, 1, "acme/a"); err != nil || len(got) != 1 {
		t.Errorf("a later edit: %v, %v; want it pending", got, err)
	}
}
