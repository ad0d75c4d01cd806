package repostate_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/jobs/jobstest"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

func TestMain(m *testing.M) { os.Exit(jobstest.Main(m)) }

// The same statements on PostgreSQL, the database of several replicas:
// every write and read of the store once, on a real throwaway cluster.
func TestStoreOnPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := jobs.OpenPostgres(ctx, jobstest.Database(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := repostate.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	v := 3
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.ReplaceProblems(ctx, 1, "acme/a", []problem.Problem{problem.Newf(problem.Parse, "t.yaml", 3, 0, "x")}, nil, at))
	must(s.ReplaceIndex(ctx, 1, "acme/a", []ref.Reference{{Pos: ref.Pos{File: "main.tf", Line: 1}, Partition: "aws", Region: "us-east-1", Account: "123456789012", Layer: "l", Version: &v}},
		func(ref.Reference) (repostate.Verdict, bool) {
			return repostate.Verdict{Newest: 5, Status: "behind"}, true
		}))
	must(s.SaveConfig(ctx, 1, "acme/a", config.Repo{Version: 1, Labels: []string{"x"}}))
	must(s.SetNewest(ctx, repostate.Newest{Account: "123456789012", Layer: "l", Region: "us-east-1", Version: 5, CheckedAt: at}))
	must(s.SetNewest(ctx, repostate.Newest{Account: "123456789012", Layer: "l", Region: "us-east-1", Version: 6, CheckedAt: at}))
	must(s.SetIssue(ctx, 1, "acme/a", "config-error", 7))
	must(s.AddCommand(ctx, 1, "acme/a", repostate.Command{CommentID: 9, Number: 2, Author: "alice", Body: "@bumpbot help", ReceivedAt: at}))
	must(s.AddCommand(ctx, 1, "acme/a", repostate.Command{CommentID: 9, Number: 2, Author: "alice", Body: "@bumpbot help", ReceivedAt: at}))
	must(s.AddIgnore(ctx, 1, "acme/a", repostate.CommandIgnore{Layer: "l", Min: 4, Max: 4, Author: "alice", Created: at}))

	if ps, err := s.Problems(ctx, 1, "acme/a"); err != nil || len(ps) != 1 {
		t.Errorf("problems %v %v", ps, err)
	}
	if pins, err := s.Pinning(ctx, "123456789012", "l"); err != nil || len(pins) != 1 || pins[0].Verdict == nil || pins[0].Verdict.Newest != 5 {
		t.Errorf("pins %v %v", pins, err)
	}
	if cfg, ok, err := s.LastConfig(ctx, 1, "acme/a"); err != nil || !ok || cfg.Labels[0] != "x" {
		t.Errorf("config %v %v %v", cfg, ok, err)
	}
	if n, err := s.NewestVersions(ctx); err != nil || n[[3]string{"123456789012", "l", "us-east-1"}].Version != 6 {
		t.Errorf("newest %v %v", n, err)
	}
	if n, err := s.Issue(ctx, 1, "acme/a", "config-error"); err != nil || n != 7 {
		t.Errorf("issue %d %v", n, err)
	}
	if cs, err := s.PendingCommands(ctx, 1, "acme/a"); err != nil || len(cs) != 1 {
		t.Errorf("commands %v %v (a redelivery must not add one)", cs, err)
	}
	must(s.FinishCommand(ctx, 1, "acme/a", 9))
	if igs, err := s.Ignores(ctx, 1, "acme/a"); err != nil || len(igs) != 1 {
		t.Errorf("ignores %v %v", igs, err)
	}
	if n, err := s.RemoveIgnores(ctx, 1, "acme/a", "l"); err != nil || n != 1 {
		t.Errorf("removed %d %v", n, err)
	}
}
