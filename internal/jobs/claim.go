package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// ErrShared is returned by ClaimSQLite when another process holds the
// queue file: its running jobs may be alive, so none is requeued.
var ErrShared = errors.New("another process uses this job queue file")

// ClaimSQLite makes this process the owner of the SQLite queue at path
// (opened as db) and puts back in the queue the jobs a dead owner left
// "running". The claim is an flock on path+".lock", which the kernel
// drops when its process dies, SIGKILL included: whoever gets it knows
// that no live process runs those jobs, so they run again at once rather
// than after RescueAfter, and the events that coalesced into them are not
// held up. release gives the claim back; call it after the workers
// stopped. When another process holds the claim, ClaimSQLite returns
// ErrShared and a release that does nothing; River's rescuer still
// covers that process's jobs if it dies.
func ClaimSQLite(ctx context.Context, db *sql.DB, path string) (release func() error, requeued int64, err error) {
	noop := func() error { return nil }
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return noop, 0, fmt.Errorf("claim job queue %s: %w", path, err)
	}
	if err := tryLock(f); err != nil {
		f.Close()
		return noop, 0, fmt.Errorf("claim job queue %s: %w", path, err)
	}
	// The attempt the dead process started stays counted, as River's
	// rescuer counts it.
	res, err := db.ExecContext(ctx, `UPDATE river_job SET state = 'available' WHERE state = 'running'`)
	if err == nil {
		requeued, err = res.RowsAffected()
	}
	if err != nil {
		f.Close()
		return noop, 0, fmt.Errorf("claim job queue %s: requeue jobs of a dead process: %w", path, err)
	}
	return f.Close, requeued, nil
}
