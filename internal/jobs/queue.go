package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
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
	// Priority orders the job among those waiting (priority.go):
	// PriorityPolicy, PriorityEvent (the default, when 0) or
	// PriorityPoll. It is not part of the unique key either.
	Priority int `json:"priority,omitempty"`
}

// Kind names the job in River's table.
func (ReconcileArgs) Kind() string { return "bumpbot_reconcile_repo" }

// InsertOpts makes the job unique per repository. River requires the
// available, pending, running and scheduled states; completed, retryable
// and discarded jobs do not block a new one.
func (a ReconcileArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		MaxAttempts: 12,
		Priority:    a.priority(),
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
	// Now is the queue's clock: when deliveries are received, where a
	// poll's slots start, whether a job is still waiting for its slot.
	// It is time.Now; tests set a fixed time before using the queue, so
	// that no result depends on how fast the machine runs them.
	Now func() time.Time

	// Deliveries waiting to be recorded, and whether a goroutine is
	// recording them (see Record).
	mu       sync.Mutex
	waiting  []*pendingRecord
	draining bool
	// wake tells a lingering drain that deliveries are waiting.
	wake chan struct{}

	stmts preparedStmts
	// live is used by the draining goroutine only (see liveJobs).
	live liveJobs
}

// NewQueue returns a queue writing to db through client.
func NewQueue(db *sql.DB, client Inserter) *Queue {
	return &Queue{db: db, client: client, Now: time.Now, live: liveJobs{}, wake: make(chan struct{}, 1)}
}

// Recorded is what Record did.
type Recorded struct {
	// Duplicate: the delivery id was already recorded; nothing was done.
	Duplicate bool
	// Inserted counts new jobs; the others coalesced into a job already
	// waiting or running for the same repository.
	Inserted int
}

// maxBatch bounds how many deliveries share one transaction.
const maxBatch = 256

// linger is how long a drain with nothing to record waits for more
// before it ends: under load a delivery arrives within microseconds, and
// a new goroutine for each batch paid for growing its stack through
// SQLite's deep calls again each time.
const linger = 100 * time.Millisecond

// pendingRecord is one delivery waiting for its transaction.
type pendingRecord struct {
	delivery, event string
	reqs            []ReconcileArgs
	done            chan recordResult
}

type recordResult struct {
	rec Recorded
	err error
}

// Record stores delivery id and enqueues the reconciles it asks for, in
// one transaction, so a delivery is either fully recorded or not at all,
// and a redelivery of a recorded one changes nothing.
//
// Deliveries that arrive while a transaction is being written share the
// next one (group commit): with one SQLite writer, a transaction and
// River's insert statement per delivery would bound ingest to what one
// connection can prepare and commit one by one. If ctx ends first, Record
// returns its error, and the delivery may still be recorded: GitHub's
// redelivery is then acknowledged as a duplicate.
func (q *Queue) Record(ctx context.Context, delivery, event string, reqs []ReconcileArgs) (Recorded, error) {
	if delivery == "" {
		return Recorded{}, errors.New("record delivery: empty delivery id")
	}
	p := &pendingRecord{delivery: delivery, event: event, reqs: reqs, done: make(chan recordResult, 1)}
	q.mu.Lock()
	q.waiting = append(q.waiting, p)
	start := !q.draining
	q.draining = true
	q.mu.Unlock()
	// Starting the drain or waking it happens after the unlock, so that
	// the hundreds of deliveries arriving together wait for the lock only
	// while one appends. A drain that started does not end before it
	// takes the lock again and finds p, so a wake-up sent late is at
	// worst spare (the drain then looks once more and finds nothing).
	if start {
		go q.drain()
	} else {
		select {
		case q.wake <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
	select {
	case r := <-p.done:
		return r.rec, r.err
	case <-ctx.Done():
		return Recorded{}, fmt.Errorf("record delivery %s: %w", delivery, ctx.Err())
	}
}

// drain records waiting deliveries, a batch per transaction, until none
// has been left for linger.
func (q *Queue) drain() {
	idle := time.NewTimer(linger)
	defer idle.Stop()
	lingered := false
	for {
		q.mu.Lock()
		batch := q.waiting
		if len(batch) > maxBatch {
			batch, q.waiting = batch[:maxBatch:maxBatch], batch[maxBatch:]
		} else {
			q.waiting = nil
		}
		if len(batch) == 0 {
			if lingered {
				q.draining = false
				q.mu.Unlock()
				return
			}
			q.mu.Unlock()
			// Record sends on wake only while draining is set, so a
			// delivery appended after the check above is not missed.
			idle.Reset(linger)
			select {
			case <-q.wake:
			case <-idle.C:
				lingered = true
			}
			continue
		}
		lingered = false
		q.mu.Unlock()
		recs, err := q.recordTimed(batch)
		if err != nil && len(batch) > 1 {
			// One delivery the database refuses (a header value, which
			// the signature does not cover) aborts the whole
			// transaction: record each alone so it fails by itself.
			for _, p := range batch {
				recs, err := q.recordTimed([]*pendingRecord{p})
				p.done <- result(p, recs, err, 0)
			}
			continue
		}
		for i, p := range batch {
			p.done <- result(p, recs, err, i)
		}
	}
}

// recordTimed records batch within its own deadline.
func (q *Queue) recordTimed(batch []*pendingRecord) ([]Recorded, error) {
	// The batch outlives any one request: no caller's cancellation may
	// abort the others' transaction.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return q.recordBatch(ctx, batch)
}

// result is the answer to p, the i-th delivery of a batch that
// recordBatch answered with recs or err.
func result(p *pendingRecord, recs []Recorded, err error, i int) recordResult {
	if err != nil {
		return recordResult{err: fmt.Errorf("record delivery %s: %w", p.delivery, err)}
	}
	return recordResult{rec: recs[i]}
}

// recordBatch records deliveries in one transaction: each delivery id
// once, the request counter of each repository, and one job per
// repository (in request order; River coalesces with jobs already
// waiting or running, and a repository whose job is known to wait or
// run needs no insert at all, see liveJobs).
func (q *Queue) recordBatch(ctx context.Context, batch []*pendingRecord) ([]Recorded, error) {
	prepared, err := q.stmts.get(ctx, q.db)
	if err != nil {
		return nil, err
	}
	tx, err := q.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	stmts := prepared.inTx(ctx, tx)
	out := make([]Recorded, len(batch))
	var (
		params []river.InsertManyParams
		owners []int // the delivery each param is counted for
		counts = map[repoKey]int64{}
	)
	received := q.Now().Unix()
	for i, p := range batch {
		res, err := stmts.delivery.ExecContext(ctx, p.delivery, p.event, received)
		if err != nil {
			return nil, fmt.Errorf("delivery %s: %w", p.delivery, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 0 {
			out[i].Duplicate = true
			continue
		}
		for _, r := range p.reqs {
			k := repoKey{r.InstallationID, r.Repo}
			if counts[k] == 0 {
				params = append(params, river.InsertManyParams{Args: r})
				owners = append(owners, i)
			}
			counts[k]++
		}
	}
	if len(params) == 0 {
		return out, tx.Commit()
	}
	// Counters are locked in one order by every batch, so two replicas
	// recording overlapping repositories cannot deadlock.
	keys := slices.SortedFunc(maps.Keys(counts), func(a, b repoKey) int {
		return cmp.Or(cmp.Compare(a.installation, b.installation), cmp.Compare(a.repo, b.repo))
	})
	for _, k := range keys {
		if _, err := stmts.request.ExecContext(ctx, k.installation, k.repo, counts[k]); err != nil {
			return nil, fmt.Errorf("request %s: %w", k.repo, err)
		}
	}
	params, owners, err = q.dropQueued(ctx, tx, stmts.jobStates, params, owners)
	if err != nil {
		return nil, err
	}
	learned, err := q.insertJobs(ctx, tx, params, owners, out)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	// Only committed jobs are remembered: a rolled-back id may be given
	// to another job.
	maps.Copy(q.live, learned)
	return out, nil
}

// dropQueued removes the params (and their owners) of repositories whose
// job still waits or runs: the counter bumped in this transaction tells
// that job to run again if it is running, and a more urgent request
// raises its priority.
func (q *Queue) dropQueued(ctx context.Context, tx *sql.Tx, jobStates *sql.Stmt, params []river.InsertManyParams, owners []int) ([]river.InsertManyParams, []int, error) {
	keys := make([]repoKey, len(params))
	for j, p := range params {
		a := p.Args.(ReconcileArgs)
		keys[j] = repoKey{a.InstallationID, a.Repo}
	}
	queued, err := q.live.stillQueued(ctx, jobStates, keys)
	if err != nil {
		return nil, nil, err
	}
	keepParams, keepOwners := params[:0], owners[:0]
	for j, p := range params {
		a, k := p.Args.(ReconcileArgs), keys[j]
		if queued[k] {
			if j := q.live[k]; a.priority() < j.priority {
				if err := raise(ctx, tx, j.id, a.priority()); err != nil {
					return nil, nil, err
				}
				// Remembered before the commit: a rollback leaves the
				// job less urgent than remembered, which costs order,
				// not work.
				j.priority = a.priority()
				q.live[k] = j
			}
			continue
		}
		delete(q.live, k)
		keepParams, keepOwners = append(keepParams, p), append(keepOwners, owners[j])
	}
	return keepParams, keepOwners, nil
}

// insertJobs inserts params through River, counts new jobs for their
// owners in out, hurries jobs scheduled for later, and returns the job
// each repository's requests went to.
func (q *Queue) insertJobs(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams, owners []int, out []Recorded) (liveJobs, error) {
	if len(params) == 0 {
		return nil, nil
	}
	results, err := q.client.InsertManyTx(ctx, tx, params)
	if err != nil {
		return nil, fmt.Errorf("insert jobs: %w", err)
	}
	learned := make(liveJobs, len(results))
	for j, r := range results {
		if r.Job != nil {
			a := params[j].Args.(ReconcileArgs)
			learned[repoKey{a.InstallationID, a.Repo}] = liveJob{id: r.Job.ID, uniqueKey: r.Job.UniqueKey, priority: min(r.Job.Priority, a.priority())}
		}
		if !r.UniqueSkippedAsDuplicate {
			out[owners[j]].Inserted++
			continue
		}
		if err := q.hurry(ctx, tx, r.Job); err != nil {
			return nil, err
		}
		if r.Job != nil {
			if err := raise(ctx, tx, r.Job.ID, params[j].Args.(ReconcileArgs).priority()); err != nil {
				return nil, err
			}
		}
	}
	return learned, nil
}

// repoKey names a repository of an installation.
type repoKey struct {
	installation int64
	repo         string
}

// hurry makes a job an event coalesced into run now when it was
// scheduled for later: a poll spreads its jobs over hours, and a push must
// not wait for the slot a poll gave its repository.
func (q *Queue) hurry(ctx context.Context, tx *sql.Tx, job *rivertype.JobRow) error {
	if job == nil || job.State != rivertype.JobStateScheduled || !job.ScheduledAt.After(q.Now()) {
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
	res, err := q.db.ExecContext(ctx, `DELETE FROM bumpbot_delivery WHERE received_at < $1`, q.Now().Add(-age).Unix())
	if err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", err)
	}
	return res.RowsAffected()
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
