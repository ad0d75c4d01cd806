package jobs_test

import (
	"context"
	"errors"
	"testing"

	"github.com/bumpbot/bumpbot/internal/jobs"
)

// The owner of the queue file runs again the jobs a dead owner left
// running; while an owner holds the file, another claimant requeues
// nothing (those jobs may be alive).
func TestClaimSQLiteRequeuesDeadOwnersJobs(t *testing.T) {
	t.Parallel()
	db, path := openDBFile(t)
	ctx := context.Background()
	q := jobs.NewQueue(db, newClient(t, db, runnerFunc(func(context.Context, int64, string) error { return nil })))
	if _, err := q.Record(ctx, "d1", "push", []jobs.ReconcileArgs{{InstallationID: 1, Repo: "acme/a"}}); err != nil {
		t.Fatal(err)
	}
	// What a process killed mid-run leaves behind.
	if _, err := db.Exec(`UPDATE river_job SET state = 'running', attempt = 1, attempted_at = scheduled_at`); err != nil {
		t.Fatal(err)
	}

	release, n, err := jobs.ClaimSQLite(ctx, db, path)
	if err != nil || n != 1 {
		t.Fatalf("ClaimSQLite = %d, %v; want 1 job requeued", n, err)
	}
	if a, r := countJobs(t, db, "available"), countJobs(t, db, "running"); a != 1 || r != 0 {
		t.Errorf("%d available, %d running after the claim; want 1, 0", a, r)
	}

	db.Exec(`UPDATE river_job SET state = 'running'`)
	_, n, err = jobs.ClaimSQLite(ctx, db, path)
	if !errors.Is(err, jobs.ErrShared) || n != 0 || countJobs(t, db, "running") != 1 {
		t.Errorf("second claim while the first is held = %d, %v; want ErrShared and the running job left alone", n, err)
	}

	if err := release(); err != nil {
		t.Fatal(err)
	}
	release, n, err = jobs.ClaimSQLite(ctx, db, path)
	if err != nil || n != 1 {
		t.Errorf("claim after release = %d, %v; want 1 job requeued", n, err)
	}
	release()
}
