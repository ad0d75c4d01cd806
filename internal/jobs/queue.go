package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// ReconcileArgs asks for one reconcile of one repository. Jobs are unique
// by installation and repository (the fields tagged unique) while
// available, scheduled, pending or running, so a burst of events for a
// repository becomes one job.
type ReconcileArgs struct {
	InstallationID int64  `json:"installation_id" river:"unique"`
	Repo           string `json:"repo" river:"unique"` // owner/name
	// DefaultBranch is the repository's default branch as the event that
	// asked for the job named it (a push payload), or empty. It saves
	// the reconcile one request; it is not part of the unique key, so a
	// job of the same repository with another branch, or none, still
	// coalesces.
	DefaultBranch string `json:"default_branch,omitempty"`
}

// Kind names the job in River's table.
func (ReconcileArgs) Kind() string { return "bumpbot_reconcile_repo" }

// InsertOpts makes the job unique per repository. River requires the
// available, pending, running and scheduled states; completed, retryable
// and discarded jobs do not block a new one.
func (ReconcileArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		MaxAttempts: 12,
		UniqueOpts: river.UniqueOpts{
			ByArgs: true,
			ByState: []rivertype.JobState{
				rivertype.JobStateAvailable, rivertype.JobStatePending,
				rivertype.JobStateRunning, rivertype.JobStateScheduled,
			},
		},
	}
}

// Inserter is the part of a River client Queue needs.
type Inserter interface {
	InsertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	// JobRetryTx makes a waiting job available now.
	JobRetryTx(ctx context.Context, tx *sql.Tx, id int64) (*rivertype.JobRow, error)
}

// Queue records webhook deliveries and the reconciles they ask for.
type Queue struct {
	db     *sql.DB
	client Inserter
	now    func() time.Time
}

// NewQueue returns a queue writing to db through client.
func NewQueue(db *sql.DB, client Inserter) *Queue {
	return &Queue{db: db, client: client, now: time.Now}
}

// Recorded is what Record did.
type Recorded struct {
	// Duplicate: the delivery id was already recorded; nothing was done.
	Duplicate bool
	// Inserted counts new jobs; the others coalesced into a job already
	// waiting or running for the same repository.
	Inserted int
}

// Record stores delivery id and enqueues the reconciles in one
// transaction, so a delivery is either fully recorded or not at all, and a
// redelivery of a recorded one changes nothing.
func (q *Queue) Record(ctx context.Context, delivery, event string, reqs []ReconcileArgs) (Recorded, error) {
	if delivery == "" {
		return Recorded{}, errors.New("record delivery: empty delivery id")
	}
	tx, err := q.db.BeginTx(ctx, nil)
	if err != nil {
		return Recorded{}, fmt.Errorf("record delivery %s: %w", delivery, err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	res, err := tx.ExecContext(ctx, `INSERT INTO bumpbot_delivery (id, event, received_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
		delivery, event, q.now().Unix())
	if err != nil {
		return Recorded{}, fmt.Errorf("record delivery %s: %w", delivery, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return Recorded{Duplicate: true}, err
	}
	var out Recorded
	if len(reqs) > 0 {
		// Counters are locked in one order by every delivery, so two
		// replicas recording overlapping repositories cannot deadlock;
		// the jobs keep the order of the request.
		for _, r := range slices.SortedFunc(slices.Values(reqs), compareArgs) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO bumpbot_repo_request (installation_id, repo, seq) VALUES ($1, $2, 1)
				ON CONFLICT (installation_id, repo) DO UPDATE SET seq = bumpbot_repo_request.seq + 1`, r.InstallationID, r.Repo); err != nil {
				return Recorded{}, fmt.Errorf("record delivery %s: request %s: %w", delivery, r.Repo, err)
			}
		}
		params := make([]river.InsertManyParams, 0, len(reqs))
		for _, r := range reqs {
			params = append(params, river.InsertManyParams{Args: r})
		}
		results, err := q.client.InsertManyTx(ctx, tx, params)
		if err != nil {
			return Recorded{}, fmt.Errorf("record delivery %s: insert jobs: %w", delivery, err)
		}
		for _, r := range results {
			if !r.UniqueSkippedAsDuplicate {
				out.Inserted++
				continue
			}
			if err := q.hurry(ctx, tx, r.Job); err != nil {
				return Recorded{}, fmt.Errorf("record delivery %s: %w", delivery, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return Recorded{}, fmt.Errorf("record delivery %s: commit: %w", delivery, err)
	}
	return out, nil
}

// hurry makes a job an event coalesced into run now when it was
// scheduled for later: a poll spreads its jobs over hours, and a push must
// not wait for the slot a poll gave its repository.
func (q *Queue) hurry(ctx context.Context, tx *sql.Tx, job *rivertype.JobRow) error {
	if job == nil || job.State != rivertype.JobStateScheduled || !job.ScheduledAt.After(q.now()) {
		return nil
	}
	if _, err := q.client.JobRetryTx(ctx, tx, job.ID); err != nil {
		return fmt.Errorf("run job %d of %s now: %w", job.ID, job.Kind, err)
	}
	return nil
}

// Prune forgets deliveries older than age. GitHub redelivers for a few
// days at most, so a week of memory is plenty.
func (q *Queue) Prune(ctx context.Context, age time.Duration) (int64, error) {
	res, err := q.db.ExecContext(ctx, `DELETE FROM bumpbot_delivery WHERE received_at < $1`, q.now().Add(-age).Unix())
	if err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", err)
	}
	return res.RowsAffected()
}

func compareArgs(a, b ReconcileArgs) int {
	return cmp.Or(cmp.Compare(a.InstallationID, b.InstallationID), cmp.Compare(a.Repo, b.Repo))
}

// requestSeq returns how many reconciles were requested for a repository.
func requestSeq(ctx context.Context, db *sql.DB, a ReconcileArgs) (int64, error) {
	var seq int64
	err := db.QueryRowContext(ctx, `SELECT seq FROM bumpbot_repo_request WHERE installation_id = $1 AND repo = $2`, a.InstallationID, a.Repo).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return seq, err
}
