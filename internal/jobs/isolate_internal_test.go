package jobs

import (
	"context"
	"testing"

	"github.com/bumpbot/bumpbot/internal/jobs/jobstest"
)

// One delivery the database refuses (an X-GitHub-Delivery header is not
// covered by the signature, and PostgreSQL rejects a text value that is
// not UTF-8) must not fail the other deliveries that happened to share
// its transaction: each is answered on its own.
func TestRecordBatchIsolatesFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := OpenPostgres(ctx, jobstest.Database(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	client, err := NewClient(db, Config{Runner: nopRunner{}})
	if err != nil {
		t.Fatal(err)
	}
	q := NewQueue(db, client)
	pending := func(delivery, repo string) *pendingRecord {
		return &pendingRecord{delivery: delivery, event: "push", reqs: []ReconcileArgs{{InstallationID: 1, Repo: repo}}, done: make(chan recordResult, 1)}
	}
	bad, good := pending("d\xff", "acme/a"), pending("d2", "acme/b")
	q.waiting, q.draining = []*pendingRecord{bad, good}, true
	q.drain()
	if r := <-bad.done; r.err == nil {
		t.Errorf("the delivery id that is not UTF-8 was recorded: %+v", r.rec)
	}
	if r := <-good.done; r.err != nil || r.rec.Inserted != 1 {
		t.Errorf("the other delivery of the batch = %+v, %v; want recorded with 1 job", r.rec, r.err)
	}
	if q.draining {
		t.Error("drain returned still marked as draining")
	}
}

type nopRunner struct{}

func (nopRunner) Reconcile(context.Context, Request) error { return nil }
