package jobs

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strconv"

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

// stillQueued returns the repositories of keys whose remembered job is
// still available, pending or running, read with one statement
// (jobStates, recordSQL) for all of them: one query per repository was
// a quarter of recording's time. A job scheduled for later goes through
// River, whose answer lets Record hurry it.
func (l liveJobs) stillQueued(ctx context.Context, jobStates *sql.Stmt, keys []repoKey) (map[repoKey]bool, error) {
	// The ids as the keys of a JSON object, the one list form that
	// json_each reads in both SQLite and PostgreSQL.
	ids := []byte{'{'}
	listed := map[int64]bool{}
	for _, k := range keys {
		j, ok := l[k]
		if !ok || listed[j.id] {
			continue
		}
		if len(listed) > 0 {
			ids = append(ids, ',')
		}
		listed[j.id] = true
		ids = append(ids, '"')
		ids = strconv.AppendInt(ids, j.id, 10)
		ids = append(ids, `":0`...)
	}
	if len(listed) == 0 {
		return nil, nil
	}
	ids = append(ids, '}')
	rows, err := jobStates.QueryContext(ctx, string(ids))
	if err != nil {
		return nil, fmt.Errorf("state of %d jobs: %w", len(listed), err)
	}
	defer rows.Close()
	type row struct {
		uniqueKey []byte
		state     rivertype.JobState
	}
	found := make(map[int64]row, len(listed))
	for rows.Next() {
		var (
			id    int64
			r     row
			state string
		)
		if err := rows.Scan(&id, &r.uniqueKey, &state); err != nil {
			return nil, fmt.Errorf("state of %d jobs: %w", len(listed), err)
		}
		r.state = rivertype.JobState(state)
		found[id] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state of %d jobs: %w", len(listed), err)
	}
	queued := make(map[repoKey]bool, len(found))
	for _, k := range keys {
		j, ok := l[k]
		r, exists := found[j.id]
		// The unique key makes sure the id still names the repository's
		// job (neither database reuses ids, but a restored backup or a
		// reset sequence would).
		if !ok || !exists || !bytes.Equal(r.uniqueKey, j.uniqueKey) {
			continue
		}
		switch r.state {
		case rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning:
			queued[k] = true
		}
	}
	return queued, nil
}
