package reconcile

import (
	"context"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/bump"
	layerchangelog "github.com/bumpbot/bumpbot/internal/changelog"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
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

// Through the planner on real layer zips: the bump that grows a
// function's layers past 250 MB unzipped says so in its pull request,
// before the changelog.
func TestBodyStackFromZips(t *testing.T) {
	t.Parallel()
	layer := func(name string, mb int64) []byte {
		return layerziptest.BuildZip(t, []layerziptest.Entry{
			{Name: "python/lib/python3.12/site-packages/" + name + "/__init__.py", Data: []byte("# " + name + "\n")},
			{Name: "python/lib/python3.12/site-packages/" + name + "/_core.cpython-312-x86_64-linux-gnu.so", Zeros: mb << 20},
		}, layerziptest.Shape{})
	}
	base := "arn:aws:lambda:us-east-1:111111111111:layer:"
	reg := layerstest.WithContents(t, map[string][]byte{base + "torch:1": layer("torch", 150), base + "torch:2": layer("torch", 170), base + "pandas:4": layer("pandas", 90)})
	planner := BumpPlanner{Registry: reg, Options: bump.Options{Changelog: bump.PackageChangelog{Builder: &layerchangelog.Builder{Registry: reg}}}}
	tf := "resource \"aws_lambda_function\" \"train\" {\n  layers = [\"" + base + "pandas:4\", \"" + base + "torch:1\"]\n}\n"
	plan, err := planner.Plan(context.Background(), bump.Input{Files: []ref.File{{Path: "main.tf", Src: []byte(tf)}}})
	if err != nil || len(plan.Updates) != 1 {
		t.Fatalf("plan: %v, %d updates", err, len(plan.Updates))
	}
	body := plan.Updates[0].Body
	i, j := strings.Index(body, "#### The functions' layer stacks after this bump"), strings.Index(body, "#### Layer `torch`: version 1 → 2")
	if i < 0 || j < i || !strings.Contains(body[i:], "- **error** `main.tf:2:70`: aws_lambda_function.train: its 2 layers unzip to 260.0 MB (272,629,777 bytes) after this bump (240.0 MB (251,658,257 bytes) before), over the 250.0 MB") {
		t.Errorf("body:\n%s", body)
	}
}
