package repostate_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/repostate/repostatetest"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

func pin(file string, line int, region, account, layer string, v int) ref.Reference {
	return ref.Reference{Pos: ref.Pos{File: file, Line: line}, Partition: "aws", Region: region, Account: account, Layer: layer, Version: &v}
}

// The index is replaced per repository, never appended to, and answers
// which repositories pin a layer and which layers are pinned at all.
func TestLayerIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := repostatetest.Open(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.ReplacePins(ctx, 1, "acme/a", []ref.Reference{
		pin("main.tf", 3, "us-east-1", "111111111111", "shared", 4),
		pin("sam.yaml", 9, "${AWS::Region}", "111111111111", "shared", 2),
		{Pos: ref.Pos{File: "x.tf"}, Account: "111111111111", Layer: "noversion"}, // no literal version: not indexed
	}))
	must(s.ReplacePins(ctx, 2, "acme/b", []ref.Reference{pin("main.tf", 1, "eu-west-1", "222222222222", "other", 7)}))
	got, err := s.Pinning(ctx, "111111111111", "shared")
	must(err)
	want := []repostate.Pin{
		{Installation: 1, Repo: "acme/a", Partition: "aws", Region: "us-east-1", Account: "111111111111", Layer: "shared", Version: 4, File: "main.tf", Line: 3},
		{Installation: 1, Repo: "acme/a", Partition: "aws", Region: "${AWS::Region}", Account: "111111111111", Layer: "shared", Version: 2, File: "sam.yaml", Line: 9},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pinning (-want +got):\n%s", diff)
	}
	layers, err := s.Layers(ctx)
	must(err)
	if len(layers) != 3 {
		t.Errorf("layers %v, want 3 distinct (shared in two regions, other)", layers)
	}
	// acme/a moved off the layer: its rows are gone, acme/b's stay.
	must(s.ReplacePins(ctx, 1, "acme/a", nil))
	if got, _ := s.Pinning(ctx, "111111111111", "shared"); len(got) != 0 {
		t.Errorf("after replacing: %v", got)
	}
	if got, _ := s.RepoPins(ctx, 2, "acme/b"); len(got) != 1 {
		t.Errorf("acme/b: %v", got)
	}
}
