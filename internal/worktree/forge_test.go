package worktree_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
	"github.com/bumpbot/bumpbot/internal/worktree"
)

// twoLayers pins two layers on one line: per-layer changes of the file
// would each hold one edit.
const twoLayers = `resource "aws_lambda_function" "f" {
  layers = ["arn:aws:lambda:us-east-1:123456789012:layer:mylayer:3", "arn:aws:lambda:us-east-1:123456789012:layer:other:1"]
}
`

func twoLayerPlanner(t *testing.T) reconcile.BumpPlanner {
	t.Helper()
	root := t.TempDir()
	reconciletest.Publish(t, root, "us-east-1", reconciletest.Account, "mylayer", 3, 5)
	reconciletest.Publish(t, root, "us-east-1", reconciletest.Account, "other", 1, 2)
	reg, err := layers.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	return reconcile.BumpPlanner{Registry: reg}
}

func TestDirGrouping(t *testing.T) {
	t.Parallel()
	p := twoLayerPlanner(t)
	both := strings.NewReplacer("mylayer:3", "mylayer:5", "other:1", "other:2").Replace(twoLayers)
	onlyFirst := strings.Replace(twoLayers, "mylayer:3", "mylayer:5", 1)
	tests := []struct {
		name     string
		grouping reconcile.Grouping
		opened   int
		want     string // main.tf afterwards
		wantErr  string
	}{
		{"all in one writes both edits", reconcile.AllInOne, 1, both, ""},
		// The second layer's change was computed from the bytes the first
		// one replaced: it is refused, not written over the first.
		{"per layer refuses to clobber", reconcile.PerLayer, 1, onlyFirst, "changed since it was read"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			if err := os.WriteFile(filepath.Join(root, "main.tf"), []byte(twoLayers), 0o644); err != nil {
				t.Fatal(err)
			}
			r := &reconcile.Reconciler{Planner: p, Grouping: tc.grouping}
			res, err := r.Run(context.Background(), "", &worktree.Dir{Root: root, Write: true})
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error = %v, want %q", err, tc.wantErr)
			}
			if res.Opened != tc.opened || len(res.Report.Changes) != 2 || len(res.Report.Changelogs) != 2 {
				t.Errorf("result = %+v; want %d opened and both bumps reported", res, tc.opened)
			}
			if got, _ := os.ReadFile(filepath.Join(root, "main.tf")); string(got) != tc.want {
				t.Errorf("main.tf:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// A working tree is read the way `bumpbot scan` reads it: every file but
// the skipped directories, a named file whatever its kind.
func TestDirReadsWhatScanReads(t *testing.T) {
	t.Parallel()
	p, _ := reconciletest.Planner(t, 3, 7)
	pin := "arn:aws:lambda:us-east-1:123456789012:layer:mylayer:3"
	root := t.TempDir()
	files := map[string]string{
		"Makefile":                "LAYER := " + pin + "\n",
		"deploy.sh":               "aws lambda update-function-configuration --layers " + pin + "\n",
		"NOTES.md":                "Pinned: " + pin + "\n", // Markdown: only when named
		"node_modules/x/index.js": "const l = '" + pin + "'\n",
		"blob.bin":                "\x00" + pin + "\n",
	}
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A link is followed to a file inside the tree, never out of it.
	outside := filepath.Join(t.TempDir(), "outside.sh")
	os.WriteFile(outside, []byte(files["deploy.sh"]), 0o644)
	if err := os.Symlink(outside, filepath.Join(root, "out.sh")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("deploy.sh", filepath.Join(root, "in.sh")); err != nil {
		t.Fatal(err)
	}
	r := &reconcile.Reconciler{Planner: p, Grouping: reconcile.AllInOne}
	var out bytes.Buffer
	d := &worktree.Dir{Root: root, Out: &out}
	res, err := r.Run(context.Background(), "", d)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range res.Report.Changes {
		got = append(got, c.File)
	}
	// in.sh is a link to deploy.sh: one file, one edit, one diff.
	if strings.Join(got, " ") != "Makefile deploy.sh" {
		t.Errorf("bumped %v, want Makefile and deploy.sh (once: in.sh links to it)", got)
	}
	if n := strings.Count(out.String(), "+++ b/"); n != 2 {
		t.Errorf("the diff has %d files, want 2:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "--- a/Makefile\n+++ b/Makefile\n") || !strings.Contains(out.String(), "+LAYER := "+strings.Replace(pin, ":3", ":7", 1)) {
		t.Errorf("diff:\n%s", out.String())
	}

	// Named, a Markdown file is scanned; the diff names it as typed (an
	// absolute path shown from the root, as git apply takes it).
	out.Reset()
	named := filepath.Join(root, "NOTES.md")
	d = &worktree.Dir{Root: named, Out: &out, FullPaths: true}
	if res, err = r.Run(context.Background(), "", d); err != nil || len(res.Report.Changes) != 1 {
		t.Fatalf("named NOTES.md: %+v, %v", res.Report.Changes, err)
	}
	if want := "+++ b/" + strings.TrimPrefix(filepath.ToSlash(named), "/") + "\n"; !strings.Contains(out.String(), want) || d.OSPath(res.Report.Changes[0].File) != named {
		t.Errorf("diff of a named file lacks %q:\n%s", want, out.String())
	}
}

func TestDirRefusesForeignBranches(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "main.tf"), []byte(reconciletest.MainTF), 0o644)
	d := &worktree.Dir{Root: root, Write: true}
	c := reconcile.Change{Branch: "main", Base: reconcile.Snapshot{Branch: "main"}, Files: []reconcile.FileChange{{Path: "main.tf", Content: []byte("evil\n")}}}
	if _, err := d.Publish(context.Background(), c, nil); !errors.Is(err, reconcile.ErrRefusedBranch) {
		t.Errorf("Publish to main: %v, want ErrRefusedBranch", err)
	}
	if got, _ := os.ReadFile(filepath.Join(root, "main.tf")); string(got) != reconciletest.MainTF {
		t.Errorf("main.tf changed")
	}
}

// Writing a change through a symbolic link (listed because it points
// inside the tree) updates the file it points to and keeps the link: the
// user's tree keeps its shape.
func TestDirWriteKeepsLinks(t *testing.T) {
	t.Parallel()
	p, _ := reconciletest.Planner(t, 3, 7)
	pin := "arn:aws:lambda:us-east-1:123456789012:layer:mylayer:3"
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "deploy.sh"), []byte("L="+pin+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("deploy.sh", filepath.Join(root, "in.sh")); err != nil {
		t.Fatal(err)
	}
	r := &reconcile.Reconciler{Planner: p, Grouping: reconcile.AllInOne}
	if _, err := r.Run(context.Background(), "", &worktree.Dir{Root: root, Write: true}); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(filepath.Join(root, "in.sh")); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("in.sh is no longer a symbolic link (%v)", err)
	}
	want := "L=" + strings.Replace(pin, ":3", ":7", 1) + "\n"
	for _, name := range []string{"deploy.sh", "in.sh"} {
		if got, _ := os.ReadFile(filepath.Join(root, name)); string(got) != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func TestDirForge(t *testing.T) {
	t.Parallel()
	p, _ := reconciletest.Planner(t, 3, 7)
	for _, write := range []bool{false, true} {
		root := t.TempDir()
		os.WriteFile(filepath.Join(root, "main.tf"), []byte(reconciletest.MainTF), 0o644)
		var out bytes.Buffer
		res, err := (&reconcile.Reconciler{Planner: p}).Run(context.Background(), "", &worktree.Dir{Root: root, Write: write, Out: &out})
		if err != nil || res.Opened != 1 {
			t.Fatalf("write=%v: %+v, %v", write, res, err)
		}
		got, _ := os.ReadFile(filepath.Join(root, "main.tf"))
		if write {
			if want := strings.Replace(reconciletest.MainTF, "mylayer:3", "mylayer:7", 1); string(got) != want {
				t.Errorf("written file:\n%s", got)
			}
			continue
		}
		if string(got) != reconciletest.MainTF {
			t.Errorf("dry run changed the file")
		}
		if !strings.Contains(out.String(), "+++ b/main.tf") || !strings.Contains(out.String(), "+  layers        = [\"arn:aws:lambda:us-east-1:123456789012:layer:mylayer:7\"]") {
			t.Errorf("diff:\n%s", out.String())
		}
	}
}
