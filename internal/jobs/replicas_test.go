package jobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/jobs/jobstest"
)

// replica is one bot process on a shared PostgreSQL database: its own
// connection pool, River client and queue.
type replica struct {
	db     *sql.DB
	queue  *jobs.Queue
	client *river.Client[*sql.Tx]
}

func newReplicas(t *testing.T, n int, r jobs.Runner) []replica {
	t.Helper()
	url := jobstest.Database(t)
	out := make([]replica, n)
	for i := range out {
		db := openPostgres(t, url)
		c := newClient(t, db, r)
		out[i] = replica{db: db, queue: jobs.NewQueue(db, c), client: c}
	}
	return out
}

var idle = runnerFunc(func(context.Context, int64, string) error { return nil })

// GitHub may deliver an event twice (a redelivery) to two replicas behind
// a load balancer at the same moment: the delivery is recorded once and
// the reconcile of a repository is one job, whichever replica wins.
func TestDuplicateDeliveriesAcrossReplicas(t *testing.T) {
	t.Parallel()
	rs := newReplicas(t, 2, idle)
	ctx := context.Background()
	// Installation 2 has a repository of the same name: a job of its own.
	targets := []jobs.ReconcileArgs{{InstallationID: 1, Repo: "acme/a"}, {InstallationID: 1, Repo: "acme/b"}, {InstallationID: 2, Repo: "acme/a"}}
	const deliveries, copies = 30, 3
	type result struct {
		delivery string
		rec      jobs.Recorded
		err      error
	}
	results := make(chan result, deliveries*copies*len(rs))
	var wg sync.WaitGroup
	for d := range deliveries {
		id := fmt.Sprintf("d%d", d)
		// Every delivery asks for two repositories, listed in either
		// order, so concurrent transactions lock counters crosswise.
		reqs := []jobs.ReconcileArgs{targets[d%3], targets[(d+1)%3]}
		if d%2 == 1 {
			reqs[0], reqs[1] = reqs[1], reqs[0]
		}
		for range copies {
			for _, r := range rs {
				wg.Go(func() {
					rec, err := r.queue.Record(ctx, id, "push", reqs)
					results <- result{id, rec, err}
				})
			}
		}
	}
	wg.Wait()
	close(results)
	recorded := map[string]int{}
	inserted := 0
	for r := range results {
		if r.err != nil {
			t.Fatalf("Record %s: %v", r.delivery, r.err)
		}
		if !r.rec.Duplicate {
			recorded[r.delivery]++
			inserted += r.rec.Inserted
		}
	}
	for d := range deliveries {
		if n := recorded[fmt.Sprintf("d%d", d)]; n != 1 {
			t.Errorf("delivery d%d recorded %d times, want once", d, n)
		}
	}
	if inserted != len(targets) {
		t.Errorf("%d jobs inserted, want one per repository (%d)", inserted, len(targets))
	}
	db := rs[0].db
	var rows, jobRows int
	if err := db.QueryRow(`SELECT count(*) FROM bumpbot_delivery`).Scan(&rows); err != nil || rows != deliveries {
		t.Errorf("%d delivery rows (%v), want %d", rows, err, deliveries)
	}
	if err := db.QueryRow(`SELECT count(DISTINCT args->>'installation_id' || '/' || (args->>'repo')) FROM river_job
		WHERE kind = 'bumpbot_reconcile_repo'`).Scan(&jobRows); err != nil || jobRows != len(targets) {
		t.Errorf("jobs for %d repositories (%v), want %d", jobRows, err, len(targets))
	}
	if n := countJobs(t, db, "available"); n != len(targets) {
		t.Errorf("%d available jobs, want %d", n, len(targets))
	}
	// Every recorded delivery counted once per repository it named:
	// the upserts of concurrent replicas lost no increment.
	var total int
	if err := db.QueryRow(`SELECT sum(seq) FROM bumpbot_repo_request`).Scan(&total); err != nil || total != 2*deliveries {
		t.Errorf("request counters sum to %d (%v), want %d", total, err, 2*deliveries)
	}
}

// Events keep arriving at two replicas while both work the queue: after
// the last one, a reconcile starts that sees it. A job completing on one
// replica while the other records a request for its repository must not
// swallow the request.
func TestNoRequestLostAcrossReplicas(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var lastRun time.Time
	runner := runnerFunc(func(ctx context.Context, _ int64, _ string) error {
		mu.Lock()
		lastRun = time.Now()
		mu.Unlock()
		time.Sleep(3 * time.Millisecond)
		return nil
	})
	rs := newReplicas(t, 2, runner)
	ctx := context.Background()
	for _, r := range rs {
		if err := r.client.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer r.client.Stop(ctx)
	}
	args := []jobs.ReconcileArgs{{InstallationID: 1, Repo: "acme/a"}}
	var lastRecord time.Time
	for i := range 60 {
		if _, err := rs[i%2].queue.Record(ctx, fmt.Sprintf("d%d", i), "push", args); err != nil {
			t.Fatal(err)
		}
		lastRecord = time.Now()
		time.Sleep(time.Duration(i%4) * time.Millisecond)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		var waiting int
		err := rs[0].db.QueryRow(`SELECT count(*) FROM river_job WHERE state IN ('available', 'pending', 'running', 'scheduled', 'retryable')`).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still waiting", waiting)
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if !lastRun.After(lastRecord) {
		t.Errorf("last reconcile started %v, before the last request was recorded (%v): a request was lost", lastRun, lastRecord)
	}
}

// The race the counter's row lock closes, made deterministic: another
// replica is midway through recording a request (its counter increment
// done, its job insert coalesced into the running job, not yet committed)
// when the job finishes its run. The job must wait for that transaction
// and run again rather than complete and swallow the request.
func TestCompletionWaitsForRequestInFlight(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	rs := newReplicas(t, 2, runnerFunc(func(context.Context, int64, string) error {
		if runs.Add(1) == 1 {
			close(started)
			<-release
		}
		return nil
	}))
	ctx := context.Background()
	worker := rs[0].client
	events, cancel := worker.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	if err := worker.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer worker.Stop(ctx)
	args := jobs.ReconcileArgs{InstallationID: 1, Repo: "acme/a"}
	if _, err := rs[0].queue.Record(ctx, "d1", "push", []jobs.ReconcileArgs{args}); err != nil {
		t.Fatal(err)
	}
	<-started

	// What Queue.Record of replica 1 does, stopped before its commit.
	tx, err := rs[1].db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE bumpbot_repo_request SET seq = seq + 1 WHERE installation_id = $1 AND repo = $2`, args.InstallationID, args.Repo); err != nil {
		t.Fatal(err)
	}
	res, err := rs[1].client.InsertManyTx(ctx, tx, []river.InsertManyParams{{Args: args}})
	if err != nil || !res[0].UniqueSkippedAsDuplicate {
		t.Fatalf("insert during the run = %+v, %v; want coalesced into the running job", res, err)
	}
	close(release)
	// Give the worker time to reach its completion and block there.
	time.Sleep(300 * time.Millisecond)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	await(t, events, "job did not complete")
	if n := runs.Load(); n != 2 {
		t.Errorf("%d runs, want 2: the request recorded during the run was lost", n)
	}
}

// Replicas starting together on a new database migrate one after the
// other; none fails on a table another is creating.
func TestConcurrentMigrations(t *testing.T) {
	t.Parallel()
	url := jobstest.Database(t)
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for range cap(errs) {
		wg.Go(func() {
			db, err := jobs.OpenPostgres(context.Background(), url, 4)
			if err == nil {
				err = db.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
