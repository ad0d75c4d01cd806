package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/riverqueue/river/rivertype"
)

// liveJob is the job a repository's requests last went to, as River
// answered the insert (new or coalesced).
type liveJob struct {
	id        int64
	uniqueKey []byte
	priority  int // as last set: a more urgent request raises it (raise)
}

// liveJobs remembers, per repository, the job its requests went to, so
// that a delivery for a repository whose job still waits or runs needs
// no River insert: River would only find that job and skip the insert,
// and that lookup was most of ingest's time under a burst. It is only a
// hint: whether the job still waits or runs is read in the recording
// transaction, after the request counter was bumped, so either the job
// completes later and its completion sees the new count
// (ReconcileWorker.complete), or it has completed and the request goes
// to River for a new job. Only the goroutine draining the queue uses
// it, and one drains at a time.
type liveJobs map[repoKey]liveJob

// stillQueued reports whether the job remembered for k is still
// available, pending or running. A job scheduled for later goes through
// River, whose answer lets Record hurry it.
func (l liveJobs) stillQueued(ctx context.Context, jobState *sql.Stmt, k repoKey) (bool, error) {
	j, ok := l[k]
	if !ok {
		return false, nil
	}
	var state string
	err := jobState.QueryRowContext(ctx, j.id, j.uniqueKey).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("state of job %d of %s: %w", j.id, k.repo, err)
	}
	switch rivertype.JobState(state) {
	case rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning:
		return true, nil
	}
	return false, nil
}
