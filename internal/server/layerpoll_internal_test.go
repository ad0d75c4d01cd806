package server

import (
	"context"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// recorder keeps what a poll asked to record.
type recorder struct {
	ids  []string
	reqs [][]jobs.ReconcileArgs
}

func (r *recorder) Record(_ context.Context, delivery, _ string, reqs []jobs.ReconcileArgs) (jobs.Recorded, error) {
	r.ids = append(r.ids, delivery)
	r.reqs = append(r.reqs, reqs)
	return jobs.Recorded{Inserted: len(reqs)}, nil
}

// A layer poll resolves each distinct layer once and enqueues only the
// repositories whose pin can move; with nothing new it records nothing.
func TestLayerPoll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := jobs.Open(ctx, filepath.Join(t.TempDir(), "poll.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	state, err := repostate.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	reconciletest.Publish(t, root, "us-east-1", reconciletest.Account, "mylayer", 3, 5)
	reg, err := layers.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	pin := func(region string, v int) ref.Reference {
		return ref.Reference{Pos: ref.Pos{File: "main.tf", Line: 1}, Partition: "aws", Region: region, Account: reconciletest.Account, Layer: "mylayer", Version: &v}
	}
	for repo, r := range map[string]ref.Reference{"acme/old": pin("us-east-1", 3), "acme/new": pin("us-east-1", 5), "acme/sam": pin("${AWS::Region}", 3)} {
		if err := state.ReplacePins(ctx, 1, repo, []ref.Reference{r}); err != nil {
			t.Fatal(err)
		}
	}
	rec := &recorder{}
	p := &layerPoller{state: state, registry: reg, queue: rec, regions: []string{"us-east-1"}, every: time.Hour, log: slog.New(slog.DiscardHandler)}
	at := time.Date(2026, 12, 3, 10, 17, 0, 0, time.UTC)
	n, err := p.poll(ctx, at)
	if err != nil || n != 2 || len(rec.ids) != 1 || rec.ids[0] != "layerpoll:"+fmtUnix(at.Truncate(time.Hour)) {
		t.Fatalf("poll: %d, %v, recorded %v", n, err, rec.ids)
	}
	var repos []string
	for _, a := range rec.reqs[0] {
		repos = append(repos, a.Repo)
	}
	if got := strings.Join(repos, " "); got != "acme/old acme/sam" && got != "acme/sam acme/old" {
		t.Errorf("enqueued %s, want acme/old and acme/sam (acme/new is current)", got)
	}
	// Everyone current: nothing is recorded.
	for _, repo := range []string{"acme/old", "acme/sam"} {
		state.ReplacePins(ctx, 1, repo, []ref.Reference{pin("us-east-1", 5)})
	}
	if n, err := p.poll(ctx, at.Add(time.Hour)); n != 0 || err != nil || len(rec.ids) != 1 {
		t.Errorf("poll with nothing new: %d, %v, %d records", n, err, len(rec.ids))
	}
}

func fmtUnix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
