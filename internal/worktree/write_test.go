package worktree_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/worktree"
)

// readForPublish lists and reads root the way a reconcile does, so that
// Publish has something to compare against, and returns the Dir.
func readForPublish(t *testing.T, root string) *worktree.Dir {
	t.Helper()
	d := &worktree.Dir{Root: root, Write: true}
	t.Cleanup(func() { d.Close() })
	snap, err := d.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range snap.Entries {
		if _, err := d.ReadFile(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func change(files ...string) reconcile.Change {
	c := reconcile.Change{Branch: reconcile.BranchPrefix + "x", Base: reconcile.Snapshot{Branch: "main"}}
	for _, f := range files {
		c.Files = append(c.Files, reconcile.FileChange{Path: f, Content: []byte("new\n")})
	}
	return c
}

// Between reading the tree and writing it, each file is swapped for
// something bumpbot must not write through or wait on. Before writes went
// through os.Root, the outside files were rewritten and the FIFO hung the
// run; now each is refused on its own, the outside is untouched, and the
// other file is still written.
func TestPublishRefusesSwappedPaths(t *testing.T) {
	t.Parallel()
	outsideDir := t.TempDir()
	outside := filepath.Join(outsideDir, "secret.tf")
	if err := os.WriteFile(outside, []byte("outside\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		swapped string
		swap    func(t *testing.T, root string)
	}{
		{"file swapped for a link out of the tree", "a.tf", func(t *testing.T, root string) {
			os.Remove(filepath.Join(root, "a.tf"))
			must(t, os.Symlink(outside, filepath.Join(root, "a.tf")))
		}},
		{"directory swapped for a link out of the tree", "sub/secret.tf", func(t *testing.T, root string) {
			must(t, os.RemoveAll(filepath.Join(root, "sub")))
			must(t, os.Symlink(outsideDir, filepath.Join(root, "sub")))
		}},
		{"file swapped for a FIFO", "a.tf", func(t *testing.T, root string) {
			os.Remove(filepath.Join(root, "a.tf"))
			must(t, syscall.Mkfifo(filepath.Join(root, "a.tf"), 0o644))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			must(t, os.MkdirAll(filepath.Join(root, "sub"), 0o755))
			for _, f := range []string{"a.tf", "sub/secret.tf", "ok.tf"} {
				must(t, os.WriteFile(filepath.Join(root, f), []byte("old\n"), 0o644))
			}
			d := readForPublish(t, root)
			tc.swap(t, root)
			_, err := d.Publish(context.Background(), change("a.tf", "sub/secret.tf", "ok.tf"), nil)
			fe, ok := errors.AsType[worktree.FileErrors](err)
			if !ok || len(fe) != 1 || fe[0].Kind != problem.Write || fe[0].File != tc.swapped {
				t.Fatalf("Publish: %v, want FileErrors for %s alone", err, tc.swapped)
			}
			if got, _ := os.ReadFile(outside); string(got) != "outside\n" {
				t.Errorf("the file outside the tree was rewritten: %q", got)
			}
			if got, _ := os.ReadFile(filepath.Join(root, "ok.tf")); string(got) != "new\n" {
				t.Errorf("ok.tf = %q: a refused file stopped the others", got)
			}
			if w := strings.Join(d.Written(), " "); strings.Contains(w, tc.swapped) || !strings.Contains(w, "ok.tf") {
				t.Errorf("written %v, want ok.tf and not %s", w, tc.swapped)
			}
		})
	}
}

// A read-only file and a file with several hard links are refused, not
// replaced: a rename would drop the protection or split the links.
func TestPublishRefusesProtectedFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, f := range []string{"ro.tf", "linked.tf", "ok.tf"} {
		must(t, os.WriteFile(filepath.Join(root, f), []byte("old\n"), 0o644))
	}
	must(t, os.Chmod(filepath.Join(root, "ro.tf"), 0o444))
	other := filepath.Join(t.TempDir(), "other-name.tf")
	must(t, os.Link(filepath.Join(root, "linked.tf"), other))
	d := readForPublish(t, root)
	_, err := d.Publish(context.Background(), change("ro.tf", "linked.tf", "ok.tf"), nil)
	fe, _ := errors.AsType[worktree.FileErrors](err)
	if len(fe) != 2 || fe[0].File != "ro.tf" || !strings.Contains(fe[0].Message, "read-only") ||
		fe[1].File != "linked.tf" || !strings.Contains(fe[1].Message, "hard links") {
		t.Fatalf("Publish: %v, want ro.tf and linked.tf refused", err)
	}
	for _, f := range []string{filepath.Join(root, "ro.tf"), filepath.Join(root, "linked.tf"), other} {
		if got, _ := os.ReadFile(f); string(got) != "old\n" {
			t.Errorf("%s = %q, want it untouched", f, got)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(root, "ok.tf")); string(got) != "new\n" {
		t.Errorf("ok.tf = %q", got)
	}
}

// Overlapping roots share Claims: each real file belongs to the first.
func TestClaimsShareFilesOnce(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "sam"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "main.tf"), []byte("x\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "sam", "t.yaml"), []byte("x\n"), 0o644))
	claims := &worktree.Claims{}
	var got []string
	for _, p := range []string{filepath.Join(root, "sam"), root, filepath.Join(root, "sam", "t.yaml")} {
		d := &worktree.Dir{Root: p, Claimed: claims}
		snap, err := d.Snapshot(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range snap.Entries {
			got = append(got, e.Path)
		}
		d.Close()
	}
	if strings.Join(got, " ") != "t.yaml main.tf" {
		t.Errorf("entries %v, want t.yaml (from sam) then main.tf, nothing twice", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Replacing a file keeps its owner and group when bumpbot runs as root
// (in a container, a CI job): a root-owned copy would lock the user out.
func TestPublishKeepsOwner(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a file another owner")
	}
	root := t.TempDir()
	p := filepath.Join(root, "main.tf")
	must(t, os.WriteFile(p, []byte("old\n"), 0o640))
	must(t, os.Chown(p, 4321, 8765))
	d := readForPublish(t, root)
	if _, err := d.Publish(context.Background(), change("main.tf"), nil); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	if st.Uid != 4321 || st.Gid != 8765 || info.Mode().Perm() != 0o640 {
		t.Errorf("owner %d:%d mode %v, want 4321:8765 0640 kept", st.Uid, st.Gid, info.Mode().Perm())
	}
	if got, _ := os.ReadFile(p); string(got) != "new\n" {
		t.Errorf("content %q", got)
	}
}
