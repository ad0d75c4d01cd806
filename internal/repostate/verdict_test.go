package repostate_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/repostate/repostatetest"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// Each pin carries the verdict of the reconcile that indexed it; the next
// reconcile replaces pins and verdicts together, and a pin indexed
// without one has none (no verdict of an earlier reconcile survives).
func TestIndexVerdicts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := repostatetest.Open(t)
	refs := []ref.Reference{
		pin("main.tf", 3, "us-east-1", "111111111111", "shared", 4),
		{Pos: ref.Pos{File: "x.tf"}, Account: "111111111111", Layer: "noversion"}, // not indexed
		pin("main.tf", 9, "us-east-1", "111111111111", "shared", 2),
	}
	judged := func(r ref.Reference) (repostate.Verdict, bool) {
		if r.Line == 9 {
			return repostate.Verdict{Newest: 5, Status: "violation", Rule: "shared: version 2 is below the minimum 3"}, true
		}
		return repostate.Verdict{}, false
	}
	if err := s.ReplaceIndex(ctx, 1, "acme/a", refs, judged); err != nil {
		t.Fatal(err)
	}
	got, err := s.RepoPins(ctx, 1, "acme/a")
	if err != nil {
		t.Fatal(err)
	}
	want := []*repostate.Verdict{nil, {Newest: 5, Status: "violation", Rule: "shared: version 2 is below the minimum 3"}}
	if len(got) != 2 {
		t.Fatalf("pins %+v, want 2", got)
	}
	if d := cmp.Diff(want, []*repostate.Verdict{got[0].Verdict, got[1].Verdict}); d != "" {
		t.Errorf("verdicts (-want +got):\n%s", d)
	}
	if err := s.ReplacePins(ctx, 1, "acme/a", refs); err != nil {
		t.Fatal(err)
	}
	all, err := s.AllPins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all {
		if p.Verdict != nil {
			t.Errorf("%s:%d keeps the verdict %+v of the reconcile before", p.File, p.Line, p.Verdict)
		}
	}
}
