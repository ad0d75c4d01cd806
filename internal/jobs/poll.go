package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Lister lists every repository the app may reconcile, as the reconcile
// jobs to enqueue. It may return some repositories and an error (an
// installation that could not be listed); a poll enqueues what it got.
type Lister interface {
	ListRepos(ctx context.Context) ([]ReconcileArgs, error)
}

// PollArgs asks for one poll: list every repository and enqueue its
// reconcile. Layers published by third parties send no event that reaches
// the bot, so only a poll finds their new versions.
type PollArgs struct{}

// Kind names the job in River's table.
func (PollArgs) Kind() string { return "bumpbot_poll" }

// InsertOpts keeps one poll at a time: a poll still waiting, running or
// retrying absorbs the next tick.
func (PollArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		MaxAttempts: 3,
		UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateScheduled, rivertype.JobStateRetryable,
		}},
	}
}

// Polled is what one poll did.
type Polled struct {
	Listed int // repositories listed
	// Inserted counts new reconcile jobs; the others coalesced into a job
	// already waiting or running for the repository.
	Inserted int
}

// Poll lists the repositories through l and enqueues a reconcile of each,
// spread evenly over spread: the i-th of n is scheduled spread*i/n from
// now, so a thousand repositories do not reach GitHub and AWS at once (and
// a repository keeps its slot from one poll to the next while the list is
// stable). The jobs are the ones webhooks enqueue, unique per repository:
// a repository with a job waiting or running gets no second one, and an
// event for a repository whose slot is hours away runs it at once
// (Record). A poll is not counted as a request (bumpbot_repo_request):
// nothing happened in the repository, so a running job need not run again.
// When l returns repositories and an error, the repositories are enqueued
// and the error returned.
func (q *Queue) Poll(ctx context.Context, l Lister, spread time.Duration) (Polled, error) {
	reqs, listErr := l.ListRepos(ctx)
	out := Polled{Listed: len(reqs)}
	if len(reqs) == 0 {
		return out, listErr
	}
	now := q.Now()
	params := make([]river.InsertManyParams, 0, len(reqs))
	for i, r := range reqs {
		r.Priority = PriorityPoll
		p := river.InsertManyParams{Args: r}
		if off := slot(spread, i, len(reqs)); off > 0 {
			p.InsertOpts = &river.InsertOpts{ScheduledAt: now.Add(off)}
		}
		params = append(params, p)
	}
	tx, err := q.db.BeginTx(ctx, nil)
	if err != nil {
		return out, errors.Join(listErr, fmt.Errorf("poll: %w", err))
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	results, err := q.client.InsertManyTx(ctx, tx, params)
	if err != nil {
		return out, errors.Join(listErr, fmt.Errorf("poll: insert jobs: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return out, errors.Join(listErr, fmt.Errorf("poll: commit: %w", err))
	}
	for _, r := range results {
		if !r.UniqueSkippedAsDuplicate {
			out.Inserted++
		}
	}
	return out, listErr
}

// slot returns spread*i/n rounded down. Multiplying first would overflow
// time.Duration for a long interval over many repositories (30 days
// times 3,600), so the quotient and the remainder are scaled apart: the
// remainder is below n, so its product with i < n stays small.
func slot(spread time.Duration, i, n int) time.Duration {
	d, r := spread/time.Duration(n), spread%time.Duration(n)
	return d*time.Duration(i) + r*time.Duration(i)/time.Duration(n)
}

// PollWorker runs PollArgs jobs.
type PollWorker struct {
	river.WorkerDefaults[PollArgs]
	lister  Lister
	db      *sql.DB
	spread  time.Duration
	log     *slog.Logger
	metrics *Metrics
}

// Timeout bounds one poll: listing thousands of repositories over many
// installations takes longer than River's default minute.
func (w *PollWorker) Timeout(*river.Job[PollArgs]) time.Duration { return 10 * time.Minute }

// Work runs one poll. A poll that listed some repositories succeeds even
// if an installation failed (it is logged; the next poll tries again); a
// poll that listed nothing because of an error is retried.
func (w *PollWorker) Work(ctx context.Context, job *river.Job[PollArgs]) error {
	if w.lister == nil {
		return river.JobCancel(errors.New("poll: polling is disabled"))
	}
	client, err := river.ClientFromContextSafely[*sql.Tx](ctx)
	if err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	start := time.Now()
	p, err := NewQueue(w.db, client).Poll(ctx, w.lister, w.spread)
	w.metrics.polled(p, err)
	log := w.log.With("job_id", job.ID, "listed", p.Listed, "enqueued", p.Inserted, "duration_ms", time.Since(start).Milliseconds())
	switch {
	case err != nil && p.Listed == 0:
		log.Error("poll failed", "error", err)
		return err
	case err != nil:
		log.Warn("poll listed only part of the repositories", "error", err)
	default:
		log.Info("poll done", "spread", w.spread.String())
	}
	return nil
}

// periodicPoll is the River periodic job that enqueues a poll every
// interval, and once at start: a process restarted more often than the
// interval would otherwise never poll.
func periodicPoll(interval time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return PollArgs{}, nil },
		&river.PeriodicJobOpts{ID: "bumpbot_poll", RunOnStart: true})
}
