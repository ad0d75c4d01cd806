package jobs

import (
	"context"
	"database/sql"
	"fmt"
)

// River runs available jobs lowest priority number first. Reconciles
// are ordered by why they were asked for: a bump the org's security
// policy requires, then an event (a push, a layer publish), then a poll.
// Within one priority, the oldest first.
const (
	// PriorityPolicy is for reconciles moving pins off versions the
	// security policy rejects.
	PriorityPolicy = 1
	// PriorityEvent is for reconciles an event asked for; the default.
	PriorityEvent = 2
	// PriorityPoll is for reconciles a poll enqueued (of every
	// repository, or of those a new layer version concerns).
	PriorityPoll = 3
)

// priority returns the River priority of a, PriorityEvent when unset.
func (a ReconcileArgs) priority() int {
	if a.Priority < PriorityPolicy || a.Priority > PriorityPoll {
		return PriorityEvent
	}
	return a.Priority
}

// raise gives a waiting job the priority of a request that coalesced
// into it, when that one is more urgent: an event for a repository whose
// polled reconcile still waits runs it with the event's priority.
func raise(ctx context.Context, tx *sql.Tx, jobID int64, priority int) error {
	if _, err := tx.ExecContext(ctx, `UPDATE river_job SET priority = $1 WHERE id = $2 AND priority > $1 AND state IN ('available', 'scheduled', 'retryable', 'pending')`,
		priority, jobID); err != nil {
		return fmt.Errorf("raise job %d to priority %d: %w", jobID, priority, err)
	}
	return nil
}
