package bump

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// TestPlanPart merges layers: a file pinning both holds both edits, where
// ByLayer gives each layer its own copy of the file.
func TestPlanPart(t *testing.T) {
	t.Parallel()
	reg := testRegistry(t)
	src := arn("a", 2) + "\n" + arn("b", 1) + "\n"
	plan := PlanFiles(context.Background(), []ref.File{{Path: "x.txt", Src: []byte(src)}, {Path: "y.txt", Src: []byte(arn("b", 1))}}, reg, Options{})
	if diff := cmp.Diff([]string{acct + ":a", acct + ":b"}, plan.LayerIDs()); diff != "" {
		t.Fatalf("LayerIDs (-want +got):\n%s", diff)
	}
	tests := []struct {
		name    string
		ids     []string
		id      string
		changes int
		want    map[string]string
	}{
		{"both", plan.LayerIDs(), "", 3, map[string]string{"x.txt": arn("a", 7) + "\n" + arn("b", 4) + "\n", "y.txt": arn("b", 4)}},
		{"one", []string{acct + ":a"}, acct + ":a", 1, map[string]string{"x.txt": arn("a", 7) + "\n" + arn("b", 1) + "\n"}},
		{"none", nil, "", 0, map[string]string{}},
	}
	for _, tc := range tests {
		g, err := plan.Part(tc.ids...)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := map[string]string{}
		for _, f := range g.Files {
			got[f.Path] = string(f.After)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" || g.LayerID != tc.id {
			t.Errorf("%s: LayerID %q (want %q), files (-want +got):\n%s", tc.name, g.LayerID, tc.id, diff)
		}
		if len(g.Changes) != tc.changes {
			t.Errorf("%s: %d changes, want %d", tc.name, len(g.Changes), tc.changes)
		}
	}
}

// TestPlanInputNamed scans a named file whatever its kind, as a file
// argument of the CLI is scanned: Markdown too.
func TestPlanInputNamed(t *testing.T) {
	t.Parallel()
	reg := testRegistry(t)
	files := []ref.File{{Path: "NOTES.md", Src: []byte("pin: " + arn("a", 2) + "\n")}}
	for _, named := range []bool{false, true} {
		plan := PlanInput(context.Background(), Input{Files: files, Named: named}, reg, Options{})
		if got := len(plan.Changes); got != map[bool]int{false: 0, true: 1}[named] {
			t.Errorf("named=%v: %d changes", named, got)
		}
	}
}
