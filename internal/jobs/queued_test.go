package jobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/bumpbot/bumpbot/internal/jobs"
)

// countingInserter is a real River client that counts its inserts.
type countingInserter struct {
	*river.Client[*sql.Tx]
	inserts atomic.Int64
}

func (c *countingInserter) InsertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	c.inserts.Add(1)
	return c.Client.InsertManyTx(ctx, tx, params)
}

// record records one push delivery for repo and fails the test on error.
func record(t *testing.T, q *jobs.Queue, delivery, repo string) jobs.Recorded {
	t.Helper()
	rec, err := q.Record(context.Background(), delivery, "push", []jobs.ReconcileArgs{{InstallationID: 7, Repo: repo}})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestRecordSkipsInsertWhileJobQueued: deliveries for a repository whose
// job still waits are counted without asking River for a job (River
// would only find the waiting one); once that job is finished, the next
// delivery gets a new job.
func TestRecordSkipsInsertWhileJobQueued(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *sql.DB) {
		client := &countingInserter{Client: newClient(t, db, runnerFunc(func(context.Context, int64, string) error { return nil }))}
		q := jobs.NewQueue(db, client)
		if rec := record(t, q, "d0", "acme/a"); rec.Inserted != 1 {
			t.Fatalf("first delivery: %+v, want 1 job inserted", rec)
		}
		for i := 1; i < 10; i++ {
			if rec := record(t, q, fmt.Sprintf("d%d", i), "acme/a"); rec.Inserted != 0 || rec.Duplicate {
				t.Fatalf("delivery %d: %+v, want recorded into the waiting job", i, rec)
			}
		}
		if n := client.inserts.Load(); n != 1 {
			t.Errorf("River asked for jobs %d times for one waiting job, want 1", n)
		}
		if n := countJobs(t, db, "available"); n != 1 {
			t.Errorf("%d available jobs, want 1", n)
		}
		var seq int64
		if err := db.QueryRow(`SELECT seq FROM bumpbot_repo_request WHERE repo = 'acme/a'`).Scan(&seq); err != nil || seq != 10 {
			t.Errorf("request counter %d (%v), want 10", seq, err)
		}
		var id int64
		if err := db.QueryRow(`SELECT id FROM river_job`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := client.JobCancel(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		if rec := record(t, q, "d10", "acme/a"); rec.Inserted != 1 {
			t.Errorf("delivery after the job was cancelled: %+v, want a new job", rec)
		}
	})
}

// TestRecordNotFooledByReusedJobID: a repository's remembered job id
// now naming another repository's job (a restored backup, a reset
// sequence; simulated here by moving that job onto the id) must not be
// taken for the repository's waiting job: its delivery gets a job.
func TestRecordNotFooledByReusedJobID(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *sql.DB) {
		ctx := context.Background()
		client := newClient(t, db, runnerFunc(func(context.Context, int64, string) error { return nil }))
		q := jobs.NewQueue(db, client)
		lastID := func() int64 {
			var id int64
			if err := db.QueryRow(`SELECT max(id) FROM river_job`).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return id
		}
		record(t, q, "d1", "acme/a")
		a := lastID()
		if _, err := client.JobDelete(ctx, a); err != nil {
			t.Fatal(err)
		}
		record(t, q, "d2", "acme/b")
		if _, err := db.Exec(`UPDATE river_job SET id = $1 WHERE id = $2`, a, lastID()); err != nil {
			t.Fatal(err)
		}
		if rec := record(t, q, "d3", "acme/a"); rec.Inserted != 1 {
			t.Errorf("delivery for acme/a after its job was deleted: %+v, want a new job", rec)
		}
	})
}
