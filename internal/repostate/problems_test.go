package repostate_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/repostate/repostatetest"
)

// Each reconcile replaces the repository's problems; other repositories
// keep theirs.
func TestReplaceProblems(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := repostatetest.Open(t)
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	parse := problem.Newf(problem.Parse, "t.yaml", 3, 0, "cannot parse template")
	denied := problem.Newf(problem.AccessDenied, "main.tf", 4, 17, "access denied")
	skipped := problem.Newf(problem.TooLarge, "dump.json", 0, 0, "over the limit")
	if err := s.ReplaceProblems(ctx, 1, "acme/a", []problem.Problem{parse, denied}, []problem.Problem{skipped}, at); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceProblems(ctx, 1, "acme/b", []problem.Problem{parse}, nil, at); err != nil {
		t.Fatal(err)
	}
	got, err := s.Problems(ctx, 1, "acme/a")
	if err != nil {
		t.Fatal(err)
	}
	want := []repostate.Recorded{
		{Problem: parse, Severity: repostate.Error, RecordedAt: at},
		{Problem: denied, Severity: repostate.Error, RecordedAt: at},
		{Problem: skipped, Severity: repostate.Note, RecordedAt: at},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	// Fixed: the next reconcile has none, and acme/b is untouched.
	if err := s.ReplaceProblems(ctx, 1, "acme/a", nil, nil, at); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Problems(ctx, 1, "acme/a"); len(got) != 0 {
		t.Errorf("after a clean reconcile: %v", got)
	}
	if got, _ := s.Problems(ctx, 1, "acme/b"); len(got) != 1 {
		t.Errorf("acme/b: %v, want its one problem kept", got)
	}
}
