// Package worktree is the forge of a working tree, for the CLI: the same
// reconcile the App runs on a GitHub repository (internal/ghapp) runs on
// a directory, printing a diff or writing the files in place. Files are
// read and written through an os.Root opened once on the tree, so a path
// swapped for a link to somewhere else while bumpbot runs cannot make it
// read or write outside the tree.
package worktree

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/rewrite"
)

// Dir is the Forge of a working tree: Root is a directory or a single
// file, listed as `bumpbot scan` lists it. Publish writes the files
// (Write) or prints their diff to Out. It has no review requests, so
// every reconcile proposes its changes afresh.
type Dir struct {
	Root  string
	Write bool
	Out   io.Writer // nil discards the diff
	// FullPaths names files in the diff as OSPath spells them (Root as
	// typed, then the path under it), for a user in the current directory;
	// otherwise they are relative to Root, where the diff applies.
	FullPaths bool
	// Claimed, when several Dirs share it, makes each real file belong to
	// the first Dir that lists it: overlapping arguments (`bump demo
	// demo/sam`) read, diff and write every file once.
	Claimed *Claims

	mu   sync.Mutex
	root *os.Root // the tree (or a named file's directory)
	base string   // a named file's name in root; "" for a tree
	// real maps an entry that is a symbolic link to the path under the
	// root of the file it points to, where it is written.
	real map[string]string
	// read holds a hash of each file as ReadFile returned it (maphash:
	// fast, and the file is the user's own, not an adversary): Publish
	// refuses to overwrite a file that changed since, whether by the user
	// or by an earlier change of the same reconcile.
	read map[string]uint64
	seed maphash.Seed
	// written are the entries the last Publish wrote or printed.
	written []string
}

var _ reconcile.Forge = (*Dir)(nil)

// OSPath returns where an entry is on disk, spelled from Root as the user
// typed it: a path the user recognizes in a diff or a message.
func (d *Dir) OSPath(entry string) string {
	d.mu.Lock()
	named := d.base != ""
	d.mu.Unlock()
	if named {
		return d.Root
	}
	return filepath.Join(d.Root, filepath.FromSlash(entry))
}

// Close releases the tree opened by Snapshot.
func (d *Dir) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.root == nil {
		return nil
	}
	err := d.root.Close()
	d.root = nil
	return err
}

// Snapshot lists the regular files under Root as rewrite.ScanPath does:
// rewrite.SkippedDirs are not entered, a symbolic link is followed only to
// a regular file inside the tree (and left out when that file is listed
// too: it is one file), and an unreadable directory is a warning. A Root
// that is a file is the one entry, named. Entries carry no SHA: hashing
// would mean reading every file, and a CLI run has no cache.
func (d *Dir) Snapshot(context.Context) (reconcile.Snapshot, error) {
	snap := reconcile.Snapshot{Branch: "(working tree)"}
	info, err := os.Stat(d.Root)
	if err != nil {
		return snap, fmt.Errorf("scan %s: %w", d.Root, err)
	}
	if err := d.open(info.IsDir()); err != nil {
		return snap, err
	}
	if !info.IsDir() {
		snap.Named = true
		if info.Mode().IsRegular() && d.Claimed.claim(d.Root) {
			snap.Entries = []reconcile.Entry{{Path: filepath.Base(d.Root), Mode: "100644", Size: info.Size()}}
		}
		return snap, nil
	}
	files, warns, err := rewrite.ListTree(d.Root)
	if err != nil {
		return snap, err
	}
	snap.Warnings = warns
	listed := make(map[string]bool, len(files))
	for _, f := range files {
		if f.Real == "" {
			listed[f.Rel] = true
		}
	}
	real := map[string]string{}
	for _, f := range files {
		onDisk := f.Rel
		if f.Real != "" {
			if listed[f.Real] {
				continue // the file itself is listed: one file, one edit
			}
			onDisk = f.Real
			real[f.Rel] = f.Real
		}
		if !d.Claimed.claim(filepath.Join(d.Root, filepath.FromSlash(onDisk))) {
			continue
		}
		snap.Entries = append(snap.Entries, reconcile.Entry{Path: f.Rel, Mode: "100644", Size: f.Size})
	}
	d.mu.Lock()
	d.real = real
	d.mu.Unlock()
	return snap, nil
}

// open opens the os.Root every read and write goes through.
func (d *Dir) open(isDir bool) error {
	dir, base := d.Root, ""
	if !isDir {
		dir, base = filepath.Dir(d.Root), filepath.Base(d.Root)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("scan %s: %w", d.Root, err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.root != nil {
		d.root.Close()
	}
	d.root, d.base = root, base
	return nil
}

// inRoot returns the name under the opened root of an entry: the file a
// link points to, or the named file's base name.
func (d *Dir) inRoot(entry string) (*os.Root, string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.root == nil {
		return nil, "", errors.New("the tree is not open (no Snapshot)")
	}
	if d.base != "" {
		return d.root, d.base, nil
	}
	if r, ok := d.real[entry]; ok {
		entry = r
	}
	return d.root, filepath.FromSlash(entry), nil
}

// ReadParallelism implements reconcile.ParallelReader: local files are
// read several at a time.
func (d *Dir) ReadParallelism() int { return 2 * runtime.GOMAXPROCS(0) }

// ReadFile reads one file. A file that cannot be read, or is no longer a
// regular file, is skipped with a warning (reconcile.ErrSkipFile), as the
// scanner skips it.
func (d *Dir) ReadFile(_ context.Context, e reconcile.Entry) ([]byte, error) {
	root, name, err := d.inRoot(e.Path)
	if err != nil {
		return nil, err
	}
	b, err := readRegular(root, name)
	if err != nil {
		return nil, skipFile{fmt.Errorf("read: %w", err)}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.read == nil {
		d.read = map[string]uint64{}
		d.seed = maphash.MakeSeed()
	}
	d.read[e.Path] = maphash.Bytes(d.seed, b)
	return b, nil
}

// skipFile marks an error as concerning one file only.
type skipFile struct{ error }

func (s skipFile) Unwrap() []error { return []error{s.error, reconcile.ErrSkipFile} }

// OpenChanges returns none: a directory has no review requests.
func (d *Dir) OpenChanges(context.Context) ([]reconcile.OpenChange, error) { return nil, nil }

// Publish prints the diff of the change (see FullPaths) or writes its
// files in place. Every file is checked first against what ReadFile
// returned: a file edited since is not written. Each file is written or
// refused on its own; the error, if any, is a FileErrors naming each file
// that was not written, and Written lists those that were.
func (d *Dir) Publish(_ context.Context, c reconcile.Change, _ *reconcile.OpenChange) (reconcile.Published, error) {
	if err := reconcile.CheckBranch(c.Branch, c.Base.Branch); err != nil {
		return reconcile.Published{}, err
	}
	d.mu.Lock()
	d.written = nil
	d.mu.Unlock()
	var failed FileErrors
	for _, f := range c.Files {
		if err := d.publishFile(f); err != nil {
			failed = append(failed, problem.New(problem.Write, f.Path, 0, 0, err))
		}
	}
	if len(failed) > 0 {
		return reconcile.Published{Opened: len(failed) < len(c.Files)}, failed
	}
	return reconcile.Published{Opened: true}, nil
}

// Written returns the entries the last Publish wrote (or printed).
func (d *Dir) Written() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.written...)
}

// publishFile checks one file against what was read, then prints its
// diff or writes it.
func (d *Dir) publishFile(f reconcile.FileChange) error {
	root, name, err := d.inRoot(f.Path)
	if err != nil {
		return err
	}
	current, err := readRegular(root, name)
	if err != nil {
		return err
	}
	d.mu.Lock()
	seen, ok := d.read[f.Path]
	d.mu.Unlock()
	if !ok || seen != maphash.Bytes(d.seed, current) {
		return errors.New("the file changed since it was read: not overwritten")
	}
	if d.Write {
		err = replace(root, name, f.Content)
	} else if d.Out != nil {
		shown := f.Path
		if d.FullPaths {
			shown = filepath.ToSlash(d.OSPath(f.Path))
		}
		_, err = io.WriteString(d.Out, bump.Diff(shown, current, f.Content))
	}
	if err == nil {
		d.mu.Lock()
		d.written = append(d.written, f.Path)
		d.mu.Unlock()
	}
	return err
}

// FileErrors are the files a Publish could not write, one problem each
// (kind problem.Write, File the entry's path).
type FileErrors []problem.Problem

func (e FileErrors) Error() string {
	if len(e) == 1 {
		return e[0].Error()
	}
	return fmt.Sprintf("%s (and %d more files not written)", e[0].Error(), len(e)-1)
}
