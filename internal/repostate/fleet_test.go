package repostate_test

import (
	"context"
	"slices"
	"testing"

	"github.com/bumpbot/bumpbot/internal/repostate/repostatetest"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// The repositories an installation pins layers in, once each; another
// installation's are not among them.
func TestIndexedRepos(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := repostatetest.Open(t)
	for _, c := range []struct {
		inst int64
		repo string
		refs []ref.Reference
	}{
		{1, "acme/b", []ref.Reference{pin("main.tf", 1, "us-east-1", "1", "x", 1), pin("main.tf", 2, "us-east-1", "1", "y", 1)}},
		{1, "acme/a", []ref.Reference{pin("main.tf", 1, "us-east-1", "1", "x", 1)}},
		{1, "acme/none", nil},
		{2, "other/c", []ref.Reference{pin("main.tf", 1, "us-east-1", "1", "x", 1)}},
	} {
		if err := s.ReplacePins(ctx, c.inst, c.repo, c.refs); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.IndexedRepos(ctx, 1)
	if err != nil || !slices.Equal(got, []string{"acme/a", "acme/b"}) {
		t.Errorf("IndexedRepos(1) = %v, %v", got, err)
	}
}
