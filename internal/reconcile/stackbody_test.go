package reconcile

import (
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// The stack of a function a bump moves is described before the
// changelog, its errors marked; another function's stack stays out.
func TestBodyStacks(t *testing.T) {
	t.Parallel()
	v := 1
	at := ref.Pos{File: "main.tf", Line: 3, Column: 69}
	g := bump.LayerPlan{LayerID: "111111111111:deps",
		Changes:    []bump.Change{{File: "main.tf", Line: 3, Column: 69, VersionAt: &at, Partition: "aws", Region: "us-east-1", Account: "111111111111", Layer: "deps", From: v, To: 2, Function: "aws_lambda_function.f"}},
		Changelogs: []bump.Entry{{Markdown: "#### Layer `deps`: version 1 → 2\n"}},
		Files:      []bump.FileEdit{{Path: "main.tf"}}}
	plan := bump.Plan{Report: bump.NewReport()}
	plan.Errors = append(plan.Errors, problem.Newf(problem.StackSize, "main.tf", 3, 69, "aws_lambda_function.f: its 2 layers unzip to 250.0 MB (262,144,450 bytes) after this bump (210.0 MB (220,201,422 bytes) before), over the 250.0 MB (262,144,000 bytes) AWS allows for a function and its layers together: its deployments fail; only the layers are counted here, the function's own code adds to it"))
	plan.Notes = append(plan.Notes,
		problem.Newf(problem.Shadowed, "main.tf", 3, 69, "aws_lambda_function.f: layer deps:2 hides files of layer model:1, which comes before it: python/lib/python3.12/site-packages/requests (2 files); the function sees deps:2's"),
		problem.Newf(problem.Shadowed, "main.tf", 9, 14, "aws_lambda_function.g: layer a:1 hides files of layer b:1, which comes before it: bin/jq (1 file); the function sees a:1's"),
		problem.Newf(problem.Incompatible, "main.tf", 3, 69, "deps: skipped version 3 supports arm64, not x86_64"))
	u := updateOf(g, plan)
	if strings.Contains(u.Body, "aws_lambda_function.g") {
		t.Errorf("another function's stack in the body:\n%s", u.Body)
	}
	golden(t, "body_stack.md", Body(u, Site{WebURL: "https://github.com/acme/infra", Commit: "0123456789abcdef0123456789abcdef01234567"}))
}

// A pin on latest is named by its word in the title and the table.
func TestBodyLatest(t *testing.T) {
	t.Parallel()
	u := Update{Layer: "foo", Region: "us-east-1", Account: "123456789012", To: 14, Moves: []Move{
		{At: pos("main.tf", 2), VersionAt: pos("main.tf", 2), From: 10, To: 14},
		{At: pos("main.tf", 3), VersionAt: pos("main.tf", 3), FromText: "latest", To: 14},
	}}
	if got := Title(u); got != "Bump foo layer from 10, latest to 14" {
		t.Errorf("title %q", got)
	}
	if b := Body(u, Site{}); !strings.Contains(b, "| `main.tf:3` | — | latest | 14 |") || !strings.Contains(b, "from 10, latest to 14") {
		t.Errorf("body:\n%s", b)
	}
}
