package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/bumpbot/bumpbot/internal/jobs"
)

// A repository whose reconcile hangs (a hostile layer, a call that never
// answers) holds its worker only until the job timeout: with one worker,
// another repository's job still runs.
func TestJobTimeoutFreesWorker(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	hung := make(chan error, 1)
	runner := runnerFunc(func(ctx context.Context, _ int64, repo string) error {
		if repo == "acme/hostile" {
			<-ctx.Done()
			hung <- ctx.Err()
			return ctx.Err()
		}
		return nil
	})
	client, err := jobs.NewClient(db, jobs.Config{Runner: runner, Workers: 1, PollInterval: 20 * time.Millisecond, JobTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	events, cancel := client.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer client.StopAndCancel(ctx) // a job still hung must not hold the test
	q := jobs.NewQueue(db, client)
	if _, err := q.Record(ctx, "d1", "push", []jobs.ReconcileArgs{{InstallationID: 1, Repo: "acme/hostile"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Record(ctx, "d2", "push", []jobs.ReconcileArgs{{InstallationID: 1, Repo: "acme/other"}}); err != nil {
		t.Fatal(err)
	}
	ev := await(t, events, "the other repository's job")
	var args jobs.ReconcileArgs
	if err := json.Unmarshal(ev.Job.EncodedArgs, &args); err != nil || args.Repo != "acme/other" {
		t.Errorf("completed %+v (%v), want acme/other", args, err)
	}
	select {
	case err := <-hung:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("hung job ended with %v, want its deadline", err)
		}
	default:
		t.Error("the other job ran but the hung one was never stopped")
	}
}
