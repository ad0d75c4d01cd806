package jobs_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/jobs"
)

// priorities returns the River priority of each waiting reconcile job,
// by repository.
func priorities(t *testing.T, db *sql.DB) map[string]int {
	t.Helper()
	rows, err := db.Query(`SELECT json_extract(args, '$.repo'), priority FROM river_job WHERE kind = 'bumpbot_reconcile_repo'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var repo string
		var p int
		if err := rows.Scan(&repo, &p); err != nil {
			t.Fatal(err)
		}
		out[repo] = p
	}
	return out
}

// Event-triggered reconciles go before polled ones (River runs the lower
// priority number first), a caller can ask for a higher priority (the
// security policy's bumps), and an event coalescing into a polled job
// raises that job's priority.
func TestReconcilePriorities(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	q, _ := clockedQueue(t, db)
	ctx := context.Background()
	list := listerFunc(func(context.Context) ([]jobs.ReconcileArgs, error) { return repos(3), nil })
	if _, err := q.Poll(ctx, list, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Record(ctx, "d1", "push", []jobs.ReconcileArgs{
		{InstallationID: 1, Repo: "acme/r1"},
		{InstallationID: 1, Repo: "acme/event"},
		{InstallationID: 1, Repo: "acme/policy", Priority: jobs.PriorityPolicy},
	}); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"acme/r0": jobs.PriorityPoll, "acme/r1": jobs.PriorityEvent, "acme/r2": jobs.PriorityPoll,
		"acme/event": jobs.PriorityEvent, "acme/policy": jobs.PriorityPolicy}
	got := priorities(t, db)
	for repo, p := range want {
		if got[repo] != p {
			t.Errorf("%s has priority %d, want %d (all: %v)", repo, got[repo], p, got)
		}
	}
	if !(jobs.PriorityPolicy < jobs.PriorityEvent && jobs.PriorityEvent < jobs.PriorityPoll) {
		t.Error("priorities out of order")
	}
}

// A polled reconcile the queue recorded itself (the layer poll records
// its requests like deliveries) is raised by a later event too, although
// the event needs no River insert.
func TestEventRaisesRecordedPollJob(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	q, _ := clockedQueue(t, db)
	ctx := context.Background()
	if _, err := q.Record(ctx, "layerpoll:1", "layer_poll", []jobs.ReconcileArgs{{InstallationID: 1, Repo: "acme/r0", Priority: jobs.PriorityPoll}}); err != nil {
		t.Fatal(err)
	}
	if got := priorities(t, db)["acme/r0"]; got != jobs.PriorityPoll {
		t.Fatalf("polled job has priority %d, want %d", got, jobs.PriorityPoll)
	}
	rec, err := q.Record(ctx, "d1", "push", []jobs.ReconcileArgs{{InstallationID: 1, Repo: "acme/r0"}})
	if err != nil || rec.Inserted != 0 {
		t.Fatalf("Record = %+v, %v; want coalesced", rec, err)
	}
	if got := priorities(t, db)["acme/r0"]; got != jobs.PriorityEvent {
		t.Errorf("after the event the job has priority %d, want %d", got, jobs.PriorityEvent)
	}
}
