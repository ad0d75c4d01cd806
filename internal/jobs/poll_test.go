package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/jobs"
)

// listerFunc adapts a function to jobs.Lister.
type listerFunc func(ctx context.Context) ([]jobs.ReconcileArgs, error)

func (f listerFunc) ListRepos(ctx context.Context) ([]jobs.ReconcileArgs, error) { return f(ctx) }

func repos(n int) []jobs.ReconcileArgs {
	out := make([]jobs.ReconcileArgs, n)
	for i := range out {
		out[i] = jobs.ReconcileArgs{InstallationID: 1, Repo: fmt.Sprintf("acme/r%d", i)}
	}
	return out
}

// fixedClock returns a queue clock stopped an hour ahead of the real
// one, on a whole second: every slot it gives is in the future whatever
// the machine's load, and offsets from it are exact.
func fixedClock() (time.Time, func() time.Time) {
	at := time.Now().Add(time.Hour).Truncate(time.Second)
	return at, func() time.Time { return at }
}

// scheduledAfter returns, for each reconcile job waiting for its slot,
// how long after base it is scheduled.
func scheduledAfter(t *testing.T, db *sql.DB, base time.Time) map[string]time.Duration {
	t.Helper()
	rows, err := db.Query(`SELECT json_extract(args, '$.repo'), scheduled_at FROM river_job WHERE kind = 'bumpbot_reconcile_repo' AND state = 'scheduled'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]time.Duration{}
	for rows.Next() {
		var repo string
		var at time.Time
		if err := rows.Scan(&repo, &at); err != nil {
			t.Fatal(err)
		}
		out[repo] = at.Sub(base)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// clockedQueue returns a queue on db whose clock is stopped (fixedClock).
func clockedQueue(t *testing.T, db *sql.DB) (*jobs.Queue, time.Time) {
	t.Helper()
	q := jobs.NewQueue(db, newClient(t, db, runnerFunc(func(context.Context, int64, string) error { return nil })))
	base, now := fixedClock()
	q.Now = now
	return q, base
}

func TestPollSpreadsAndCoalesces(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	q, base := clockedQueue(t, db)
	ctx := context.Background()
	list := listerFunc(func(context.Context) ([]jobs.ReconcileArgs, error) { return repos(4), nil })
	got, err := q.Poll(ctx, list, 4*time.Hour)
	if err != nil || got != (jobs.Polled{Listed: 4, Inserted: 4}) {
		t.Fatalf("first poll = %+v, %v; want 4 listed, 4 inserted", got, err)
	}
	// acme/r0's slot is now: it is not scheduled but available.
	want := map[string]time.Duration{"acme/r1": time.Hour, "acme/r2": 2 * time.Hour, "acme/r3": 3 * time.Hour}
	if sched := scheduledAfter(t, db, base); fmt.Sprint(sched) != fmt.Sprint(want) {
		t.Errorf("scheduled in %v, want %v", sched, want)
	}
	if n := countJobs(t, db, "available"); n != 1 {
		t.Errorf("%d available jobs, want 1 (the others are scheduled)", n)
	}
	got, err = q.Poll(ctx, list, 4*time.Hour)
	if err != nil || got != (jobs.Polled{Listed: 4}) {
		t.Errorf("second poll = %+v, %v; want 4 listed, all coalesced", got, err)
	}
	var seqs int
	db.QueryRow(`SELECT count(*) FROM bumpbot_repo_request`).Scan(&seqs)
	if seqs != 0 {
		t.Errorf("a poll counted %d repository requests, want 0", seqs)
	}
}

// A webhook for a repository whose polled reconcile waits for its slot
// runs that job now instead of adding a second one.
func TestEventRunsScheduledPollJobNow(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	q, base := clockedQueue(t, db)
	ctx := context.Background()
	list := listerFunc(func(context.Context) ([]jobs.ReconcileArgs, error) { return repos(2), nil })
	if _, err := q.Poll(ctx, list, 6*time.Hour); err != nil {
		t.Fatal(err)
	}
	if n := countJobs(t, db, "scheduled"); n != 1 {
		t.Fatalf("%d scheduled jobs, want 1", n)
	}
	rec, err := q.Record(ctx, "d1", "push", []jobs.ReconcileArgs{{InstallationID: 1, Repo: "acme/r1", DefaultBranch: "main"}})
	if err != nil || rec.Inserted != 0 {
		t.Fatalf("Record = %+v, %v; want coalesced", rec, err)
	}
	if a, s := countJobs(t, db, "available"), countJobs(t, db, "scheduled"); a != 2 || s != 0 {
		t.Errorf("%d available, %d scheduled; want 2 available", a, s)
	}
	if in, ok := scheduledAfter(t, db, base)["acme/r1"]; ok {
		t.Errorf("acme/r1 still scheduled %v after the event", in)
	}
}

// A poll enqueues what the lister listed even when part of the listing
// failed, and returns the error.
func TestPollKeepsPartialListing(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	q := jobs.NewQueue(db, newClient(t, db, runnerFunc(func(context.Context, int64, string) error { return nil })))
	boom := errors.New("installation 2: list repositories: 502")
	tests := []struct {
		name  string
		list  listerFunc
		want  jobs.Polled
		fails bool
	}{
		{"partial", func(context.Context) ([]jobs.ReconcileArgs, error) { return repos(2), boom }, jobs.Polled{Listed: 2, Inserted: 2}, true},
		{"nothing listed", func(context.Context) ([]jobs.ReconcileArgs, error) { return nil, boom }, jobs.Polled{}, true},
		{"no repositories", func(context.Context) ([]jobs.ReconcileArgs, error) { return nil, nil }, jobs.Polled{}, false},
	}
	for _, tc := range tests {
		got, err := q.Poll(context.Background(), tc.list, time.Hour)
		if got != tc.want || (err != nil) != tc.fails || (tc.fails && !errors.Is(err, boom)) {
			t.Errorf("%s: Poll = %+v, %v; want %+v, error %v", tc.name, got, err, tc.want, tc.fails)
		}
	}
}

// requestRunner records the requests it runs.
type requestRunner chan jobs.Request

func (r requestRunner) Reconcile(_ context.Context, req jobs.Request) error {
	r <- req
	return nil
}

// The runner gets the default branch the event named and when the job was
// enqueued, so a retry hours later is not taken for fresh news.
func TestRunnerSeesDefaultBranchAndTime(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	got := make(requestRunner, 1)
	client, err := jobs.NewClient(db, jobs.Config{Runner: got, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer client.Stop(ctx)
	before := time.Now().Add(-time.Second)
	if _, err := jobs.NewQueue(db, client).Record(ctx, "d1", "push", []jobs.ReconcileArgs{{InstallationID: 1, Repo: "acme/a", DefaultBranch: "trunk"}}); err != nil {
		t.Fatal(err)
	}
	select {
	case req := <-got:
		if req.Repo != "acme/a" || req.DefaultBranch != "trunk" || req.At.Before(before) || req.At.After(time.Now()) {
			t.Errorf("runner got %+v at %v, want acme/a on trunk, enqueued just now", req.ReconcileArgs, req.At)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the job did not run")
	}
}

// A long interval over many repositories must not overflow the slot
// arithmetic (30 days × 4,000 repositories exceeds time.Duration's
// range when multiplied before dividing): the last repository keeps its
// slot near the end of the interval instead of running at once.
func TestPollSpreadLongIntervalManyRepos(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	q, base := clockedQueue(t, db)
	const n = 4000
	spread := 30 * 24 * time.Hour
	list := listerFunc(func(context.Context) ([]jobs.ReconcileArgs, error) { return repos(n), nil })
	if _, err := q.Poll(context.Background(), list, spread); err != nil {
		t.Fatal(err)
	}
	sched := scheduledAfter(t, db, base)
	want := (spread / n) * (n - 1) // 30 days divide evenly by 4,000
	if got := sched[fmt.Sprintf("acme/r%d", n-1)]; got != want {
		t.Errorf("last repository scheduled %v after the poll, want %v", got, want)
	}
	if n := countJobs(t, db, "available"); n != 1 {
		t.Errorf("%d available jobs, want 1 (the others are scheduled)", n)
	}
}
