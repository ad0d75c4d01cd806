package jobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/jobs/jobstest"
)

func TestMain(m *testing.M) { os.Exit(jobstest.Main(m)) }

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, _ := openDBFile(t)
	return db
}

// openDBFile opens a new SQLite queue and returns it and its path.
func openDBFile(t *testing.T) (*sql.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bumpbot.db")
	db, err := jobs.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// openPostgres returns a connection pool to url, as one replica of the
// bot would open it.
func openPostgres(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := jobs.OpenPostgres(context.Background(), url, 8)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// onEachDatabase runs f as parallel subtests, once on a SQLite file and
// once on a PostgreSQL database: the queue's SQL is written once for
// both.
func onEachDatabase(t *testing.T, f func(t *testing.T, db *sql.DB)) {
	t.Helper()
	open := map[string]func(t *testing.T) *sql.DB{
		"sqlite":   openDB,
		"postgres": func(t *testing.T) *sql.DB { return openPostgres(t, jobstest.Database(t)) },
	}
	for name, open := range open {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, open(t))
		})
	}
}

// runnerFunc adapts a function to jobs.Runner.
type runnerFunc func(ctx context.Context, inst int64, repo string) error

func (f runnerFunc) Reconcile(ctx context.Context, req jobs.Request) error {
	return f(ctx, req.InstallationID, req.Repo)
}

func newClient(t *testing.T, db *sql.DB, r jobs.Runner) *river.Client[*sql.Tx] {
	t.Helper()
	c, err := jobs.NewClient(db, jobs.Config{Runner: r, PollInterval: 20 * time.Millisecond, RerunDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// await waits for the next event of a subscription; what names it in
// the failure after 10 s.
func await(t *testing.T, events <-chan *river.Event, what string) *river.Event {
	t.Helper()
	select {
	case ev := <-events:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no event after 10s", what)
		return nil
	}
}

func countJobs(t *testing.T, db *sql.DB, state string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM river_job WHERE state = $1`, state).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRecordDeduplicatesAndCoalesces(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *sql.DB) {
		q := jobs.NewQueue(db, newClient(t, db, runnerFunc(func(context.Context, int64, string) error { return nil })))
		ctx := context.Background()
		a := jobs.ReconcileArgs{InstallationID: 1, Repo: "acme/a"}
		b := jobs.ReconcileArgs{InstallationID: 1, Repo: "acme/b"}
		tests := []struct {
			name     string
			delivery string
			reqs     []jobs.ReconcileArgs
			want     jobs.Recorded
		}{
			{"first delivery", "d1", []jobs.ReconcileArgs{a, b}, jobs.Recorded{Inserted: 2}},
			{"redelivery", "d1", []jobs.ReconcileArgs{a, b}, jobs.Recorded{Duplicate: true}},
			{"burst on a queued repo", "d2", []jobs.ReconcileArgs{a}, jobs.Recorded{}},
			{"no work", "d3", nil, jobs.Recorded{}},
		}
		for _, tc := range tests {
			got, err := q.Record(ctx, tc.delivery, "push", tc.reqs)
			if err != nil || got != tc.want {
				t.Errorf("%s: Record = %+v, %v; want %+v", tc.name, got, err, tc.want)
			}
		}
		if n := countJobs(t, db, "available"); n != 2 {
			t.Errorf("%d available jobs, want 2", n)
		}
		if _, err := q.Record(ctx, "", "push", []jobs.ReconcileArgs{a}); err == nil {
			t.Error("Record accepted an empty delivery id")
		}
		if n, err := q.Prune(ctx, -time.Hour); err != nil || n != 3 {
			t.Errorf("Prune = %d, %v; want 3 deliveries removed", n, err)
		}
	})
}

func TestWorkerRunsAgainWhenRequestedDuringRun(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *sql.DB) {
		var runs atomic.Int32
		started := make(chan struct{}, 10)
		release := make(chan struct{})
		client := newClient(t, db, runnerFunc(func(ctx context.Context, _ int64, _ string) error {
			if runs.Add(1) == 1 {
				started <- struct{}{}
				<-release
			}
			return nil
		}))
		q := jobs.NewQueue(db, client)
		ctx := context.Background()
		events, cancel := client.Subscribe(river.EventKindJobCompleted)
		defer cancel()
		if err := client.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer client.Stop(ctx)
		args := []jobs.ReconcileArgs{{InstallationID: 1, Repo: "acme/a"}}
		if _, err := q.Record(ctx, "d1", "push", args); err != nil {
			t.Fatal(err)
		}
		<-started
		// A push while the reconcile runs coalesces into the running job...
		rec, err := q.Record(ctx, "d2", "push", args)
		if err != nil || rec.Inserted != 0 {
			t.Fatalf("Record during run = %+v, %v; want coalesced", rec, err)
		}
		close(release)
		await(t, events, "job did not complete")
		// ...and the job ran a second time to see it.
		if n := runs.Load(); n != 2 {
			t.Errorf("%d runs, want 2", n)
		}
	})
}

func TestWorkerSurvivesPanicsAndRetries(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *sql.DB) {
		var runs atomic.Int32
		client := newClient(t, db, runnerFunc(func(context.Context, int64, string) error {
			if runs.Add(1) == 1 {
				panic("boom")
			}
			return nil
		}))
		events, cancel := client.Subscribe(river.EventKindJobFailed)
		defer cancel()
		ctx := context.Background()
		if err := client.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer client.Stop(ctx)
		if _, err := jobs.NewQueue(db, client).Record(ctx, "d1", "push", []jobs.ReconcileArgs{{InstallationID: 1, Repo: "acme/a"}}); err != nil {
			t.Fatal(err)
		}
		ev := await(t, events, "failure")
		// River schedules the first retry almost at once, so the job may
		// already be available again.
		if ev.Job.State == "discarded" || len(ev.Job.Errors) != 1 || !strings.Contains(ev.Job.Errors[0].Error, "panicked") {
			t.Errorf("after panic: state %s, errors %+v; want one 'panicked' error and a retry", ev.Job.State, ev.Job.Errors)
		}
	})
}

// A job interrupted by shutdown is left in the database and runs again
// when a new client starts.
func TestShutdownLeavesJobForRestart(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *sql.DB) {
		var mu sync.Mutex
		var seen []string
		started := make(chan struct{}, 1)
		runner := runnerFunc(func(ctx context.Context, _ int64, repo string) error {
			mu.Lock()
			seen = append(seen, repo)
			first := len(seen) == 1
			mu.Unlock()
			if first {
				started <- struct{}{}
				<-ctx.Done()
				return fmt.Errorf("interrupted: %w", ctx.Err())
			}
			return nil
		})
		ctx := context.Background()
		c1 := newClient(t, db, runner)
		if err := c1.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := jobs.NewQueue(db, c1).Record(ctx, "d1", "push", []jobs.ReconcileArgs{{InstallationID: 1, Repo: "acme/a"}}); err != nil {
			t.Fatal(err)
		}
		<-started
		stopCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := c1.StopAndCancel(stopCtx); err != nil {
			t.Fatal(err)
		}
		if n := countJobs(t, db, "completed"); n != 0 {
			t.Fatalf("%d completed jobs after an interrupted run", n)
		}
		c2 := newClient(t, db, runner)
		events, unsub := c2.Subscribe(river.EventKindJobCompleted)
		defer unsub()
		if err := c2.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer c2.Stop(ctx)
		await(t, events, "job did not run after restart")
		mu.Lock()
		defer mu.Unlock()
		if len(seen) != 2 {
			t.Errorf("runs = %v, want 2", seen)
		}
	})
}
