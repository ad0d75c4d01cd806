package reconcile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Dir is the Forge of a local checkout, for the CLI: Publish writes the
// files (Write) or prints a diff of them (to Out). It has no review
// requests, so every reconcile proposes its changes afresh.
type Dir struct {
	Root  string
	Write bool
	Out   io.Writer
}

var _ Forge = (*Dir)(nil)

// Snapshot lists the regular files under Root, skipping .git. Entries
// carry no SHA: hashing would mean reading every file, and a CLI run has no
// cache to hit.
func (d *Dir) Snapshot(context.Context) (Snapshot, error) {
	snap := Snapshot{Branch: "(working tree)"}
	err := filepath.WalkDir(d.Root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && e.Name() == ".git" {
			return filepath.SkipDir
		}
		if !e.Type().IsRegular() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(d.Root, p)
		snap.Entries = append(snap.Entries, Entry{Path: filepath.ToSlash(rel), Mode: "100644", Size: info.Size()})
		return nil
	})
	if err != nil {
		return Snapshot{}, fmt.Errorf("list %s: %w", d.Root, err)
	}
	return snap, nil
}

// ReadFile reads one file.
func (d *Dir) ReadFile(_ context.Context, e Entry) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(d.Root, filepath.FromSlash(e.Path)))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", e.Path, err)
	}
	return b, nil
}

// OpenChanges returns none: a directory has no review requests.
func (d *Dir) OpenChanges(context.Context) ([]OpenChange, error) { return nil, nil }

// Publish writes the files in place (through a temporary file and a
// rename, so a file is never half-written) or prints their diff.
func (d *Dir) Publish(_ context.Context, c Change, _ *OpenChange) (Published, error) {
	if err := CheckBranch(c.Branch, c.Base.Branch); err != nil {
		return Published{}, err
	}
	for _, f := range c.Files {
		p := filepath.Join(d.Root, filepath.FromSlash(f.Path))
		old, err := os.ReadFile(p)
		if err != nil {
			return Published{}, fmt.Errorf("publish %s: %w", f.Path, err)
		}
		if !d.Write {
			if d.Out != nil {
				fmt.Fprint(d.Out, lineDiff(f.Path, old, f.Content))
			}
			continue
		}
		if err := writeAtomic(p, f.Content); err != nil {
			return Published{}, fmt.Errorf("publish %s: %w", f.Path, err)
		}
	}
	return Published{Opened: true}, nil
}

func writeAtomic(p string, data []byte) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	tmp := p + ".bumpbot-" + hex.EncodeToString(sum[:4])
	if err := os.WriteFile(tmp, data, st.Mode().Perm()); err != nil {
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// lineDiff renders the changed lines of a version bump in unified-diff
// style. A bump changes digits inside lines, never the line count, so
// lines are compared by index; any other change is shown whole.
func lineDiff(path string, a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	al, bl := strings.SplitAfter(string(a), "\n"), strings.SplitAfter(string(b), "\n")
	var out strings.Builder
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n", path, path)
	if len(al) != len(bl) {
		fmt.Fprintf(&out, "@@ -1,%d +1,%d @@\n", len(al), len(bl))
		for _, l := range al {
			out.WriteString("-" + withNewline(l))
		}
		for _, l := range bl {
			out.WriteString("+" + withNewline(l))
		}
		return out.String()
	}
	for i := range al {
		if al[i] != bl[i] {
			fmt.Fprintf(&out, "@@ -%d +%d @@\n-%s+%s", i+1, i+1, withNewline(al[i]), withNewline(bl[i]))
		}
	}
	return out.String()
}

func withNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n\\ No newline at end of file\n"
}
