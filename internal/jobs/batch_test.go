package jobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"

	"github.com/bumpbot/bumpbot/internal/jobs"
)

// TestRecordGroupCommit: deliveries recorded at the same moment share
// transactions, and each still gets its own answer. 50 deliveries, each
// delivered twice at once, over 5 repositories: 50 recorded and 50
// duplicates, one job per repository, counted for exactly one delivery,
// and every delivery counted in its repository's request counter.
func TestRecordGroupCommit(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *sql.DB) {
		q := jobs.NewQueue(db, newClient(t, db, runnerFunc(func(context.Context, int64, string) error { return nil })))
		const deliveries, repos = 50, 5
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			got     = map[string][]jobs.Recorded{}
			errs    []error
			start   = make(chan struct{})
			request = func(i int) []jobs.ReconcileArgs {
				return []jobs.ReconcileArgs{{InstallationID: 7, Repo: fmt.Sprintf("acme/r%d", i%repos)}}
			}
		)
		for i := range deliveries {
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					rec, err := q.Record(context.Background(), fmt.Sprintf("d%d", i), "push", request(i))
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						errs = append(errs, err)
					}
					got[fmt.Sprintf("d%d", i)] = append(got[fmt.Sprintf("d%d", i)], rec)
				}()
			}
		}
		close(start)
		wg.Wait()
		if len(errs) > 0 {
			t.Fatalf("Record errors: %v", errs)
		}
		inserted := 0
		for d, recs := range got {
			if len(recs) != 2 || recs[0].Duplicate == recs[1].Duplicate {
				t.Errorf("delivery %s answered %+v, want one recorded and one duplicate", d, recs)
			}
			inserted += recs[0].Inserted + recs[1].Inserted
		}
		if inserted != repos {
			t.Errorf("%d jobs counted as inserted, want %d", inserted, repos)
		}
		if n := countJobs(t, db, "available"); n != repos {
			t.Errorf("%d available jobs, want %d", n, repos)
		}
		var total int64
		if err := db.QueryRow(`SELECT sum(seq) FROM bumpbot_repo_request`).Scan(&total); err != nil || total != deliveries {
			t.Errorf("request counters sum to %d (%v), want %d", total, err, deliveries)
		}
	})
}
