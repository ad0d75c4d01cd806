package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"github.com/bumpbot/bumpbot/internal/ghstore"
)

// Runner reconciles one repository. It must be idempotent: a job killed
// midway runs again from the start.
type Runner interface {
	Reconcile(ctx context.Context, req Request) error
}

// Request is one reconcile a job asks for.
type Request struct {
	ReconcileArgs
	// At is when the job was enqueued, so when its DefaultBranch was
	// true: a retry hours later must not take it for fresh news.
	At time.Time
}

// ReconcileWorker runs ReconcileArgs jobs.
type ReconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	runner  Runner
	db      *sql.DB
	log     *slog.Logger
	metrics *Metrics
	// rerun is how long to wait before running again when an event
	// arrived during the run.
	rerun time.Duration
	// timeout bounds one attempt (Config.JobTimeout).
	timeout time.Duration
}

// Timeout bounds one reconcile; a stuck GitHub call fails the attempt,
// frees the worker for other repositories, and River retries it later.
func (w *ReconcileWorker) Timeout(*river.Job[ReconcileArgs]) time.Duration { return w.timeout }

// Work runs one reconcile. A panic fails the attempt (and is retried) but
// never takes the process down. A run interrupted by shutdown is snoozed
// rather than failed, so it runs first thing after the restart without
// spending an attempt; so is one whose installation may not write again
// before the job's timeout (see pacedUntil), until about when it may.
func (w *ReconcileWorker) Work(ctx context.Context, job *river.Job[ReconcileArgs]) (err error) {
	log := w.log.With("installation_id", job.Args.InstallationID, "repo", job.Args.Repo, "job_id", job.ID, "attempt", job.Attempt)
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			log.Error("reconcile panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("reconcile %s panicked: %v", job.Args.Repo, p)
		}
		w.metrics.observe(outcome(err), time.Since(start))
	}()
	seq, err := requestSeq(ctx, w.db, job.Args)
	if err != nil {
		return fmt.Errorf("reconcile %s: read request count: %w", job.Args.Repo, err)
	}
	// The first write fails fast when the installation's write slots come
	// too late for the job's timeout (see pacedUntil).
	unit, release := ghstore.FailFast(ctx)
	err = w.runner.Reconcile(unit, Request{ReconcileArgs: job.Args, At: job.CreatedAt})
	release()
	if errors.Is(ctx.Err(), context.Canceled) {
		log.Warn("reconcile interrupted by shutdown; it will run again at start", "error", err)
		return river.JobSnooze(0)
	}
	if at, ok := pacedUntil(err); ok {
		// Waiting for the write slot would have spent the attempt: give
		// the worker to another installation and run again when the
		// slot is near, without counting an attempt.
		wait := max(time.Until(at), 0)
		log.Info("reconcile snoozed: the installation's next write slot is past the job timeout", "until", at, "wait_ms", wait.Milliseconds())
		w.metrics.pacedSnooze()
		return river.JobSnooze(wait)
	}
	if isFinal(err) {
		log.Error("reconcile failed for good; not retrying", "error", err)
		return river.JobCancel(err)
	}
	if err != nil {
		log.Error("reconcile failed", "error", err)
		return err
	}
	again, err := w.complete(ctx, job, seq)
	if err != nil {
		return fmt.Errorf("reconcile %s: complete: %w", job.Args.Repo, err)
	}
	if again {
		// An event came in while this job ran; its insert coalesced into
		// this job, so run once more to see what it announced.
		log.Info("reconcile requested again during the run; running again")
		return river.JobSnooze(w.rerun)
	}
	log.Info("reconcile done", "duration_ms", time.Since(start).Milliseconds())
	return nil
}

func outcome(err error) string {
	switch {
	case err == nil:
		return "succeeded"
	case errors.Is(err, &rivertype.JobSnoozeError{}):
		return "snoozed"
	case errors.Is(err, &rivertype.JobCancelError{}):
		return "cancelled"
	}
	return "failed"
}

// complete marks the job completed unless a reconcile was requested since
// seq was read; it reports whether one was. The check and the completion
// share one transaction, and Queue.Record bumps the count and inserts its
// job in another: whichever commits first, no request is lost (a request
// either sees a completed job and inserts a new one, or is seen here).
//
// The count is read with an upsert that rewrites it unchanged rather than
// a SELECT: the write locks the row (creating it when no request was ever
// recorded), so on PostgreSQL, where Record may run in another replica at
// the same moment, Record's increment waits for this transaction or this
// one waits for Record and returns the new count. SQLite has one writer
// and serializes the two anyway.
func (w *ReconcileWorker) complete(ctx context.Context, job *river.Job[ReconcileArgs], seq int64) (bool, error) {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	var now int64
	err = tx.QueryRowContext(ctx, `INSERT INTO bumpbot_repo_request (installation_id, repo, seq) VALUES ($1, $2, 0)
		ON CONFLICT (installation_id, repo) DO UPDATE SET seq = bumpbot_repo_request.seq RETURNING seq`,
		job.Args.InstallationID, job.Args.Repo).Scan(&now)
	if err != nil {
		return false, err
	}
	if now != seq {
		return true, nil
	}
	// The driver type only satisfies the type parameter: River completes
	// the job through the driver of the client running it.
	if _, err := river.JobCompleteTx[riverdriver.Driver[*sql.Tx]](ctx, tx, job); err != nil {
		return false, err
	}
	return false, tx.Commit()
}
