package jobs

import (
	"database/sql"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
)

// Config configures the River client.
type Config struct {
	Runner  Runner
	Logger  *slog.Logger
	Metrics *Metrics
	// Workers is how many reconciles run at once (default 4).
	Workers int
	// PollInterval is how often idle workers look for jobs (default 1s;
	// SQLite has no LISTEN/NOTIFY, and River's database/sql driver for
	// PostgreSQL does not listen either).
	PollInterval time.Duration
	// RerunDelay is the wait before running again when an event arrived
	// during a run (default 2s).
	RerunDelay time.Duration
	// JobTimeout bounds one reconcile (default DefaultJobTimeout): a
	// stuck GitHub or AWS call, or a hostile repository, fails the
	// attempt and frees the worker for other repositories.
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay "running" before it is
	// considered abandoned by a dead process and retried (default
	// DefaultRescueAfter). River never rescues a job before its timeout
	// has passed, so it should be a little longer than JobTimeout: a
	// reconcile still running in a live process is then never run twice
	// at once, and a repository whose process was killed mid-run is
	// reconciled again soon after.
	RescueAfter time.Duration
	// Lister lists the repositories a poll reconciles; nil disables
	// polling.
	Lister Lister
	// PollEvery is how often every repository is reconciled without an
	// event (0 disables polling). Each poll spreads its reconciles over
	// the interval.
	PollEvery time.Duration
}

// Defaults of JobTimeout and RescueAfter: a reconcile takes seconds, and a
// killed process's job must not block its repository (every event for it
// coalesces into the dead job) for long. A RescueAfter left unset is
// JobTimeout plus a fifth.
const (
	DefaultJobTimeout  = 5 * time.Minute
	DefaultRescueAfter = 6 * time.Minute
)

// NewClient returns a River client that works reconcile jobs from db, a
// database opened by Open or OpenPostgres. It is not started.
func NewClient(db *sql.DB, cfg Config) (*river.Client[*sql.Tx], error) {
	d, err := dialectOf(db)
	if err != nil {
		return nil, err
	}
	if cfg.Runner == nil {
		return nil, errors.New("jobs: a Runner is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.RerunDelay <= 0 {
		cfg.RerunDelay = 2 * time.Second
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = DefaultJobTimeout
	}
	if cfg.RescueAfter <= 0 {
		cfg.RescueAfter = cfg.JobTimeout + cfg.JobTimeout/5
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &ReconcileWorker{
		runner: cfg.Runner, db: db, log: cfg.Logger, metrics: cfg.Metrics, rerun: cfg.RerunDelay, timeout: cfg.JobTimeout,
	})
	river.AddWorker(workers, &PollWorker{
		lister: cfg.Lister, db: db, spread: cfg.PollEvery, log: cfg.Logger, metrics: cfg.Metrics,
	})
	var periodic []*river.PeriodicJob
	if cfg.Lister != nil && cfg.PollEvery > 0 {
		periodic = append(periodic, periodicPoll(cfg.PollEvery))
	}
	return river.NewClient(d.river(db), &river.Config{
		PeriodicJobs:      periodic,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:           workers,
		Logger:            cfg.Logger.With("component", "river"),
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     min(cfg.PollInterval, 100*time.Millisecond),
		// River's default for workers without a Timeout of their own;
		// it refuses a rescue delay below it.
		JobTimeout:                  cfg.JobTimeout,
		RescueStuckJobsAfter:        cfg.RescueAfter,
		CompletedJobRetentionPeriod: 24 * time.Hour,
	})
}
