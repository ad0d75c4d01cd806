package reconcile

import (
	"context"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/rewrite"
)

// Dir is the Forge of a working tree, for the CLI: Root is a directory or
// a single file, listed as `bumpbot scan` lists it. Publish writes the
// files (Write) or prints their diff to Out. It has no review requests,
// so every reconcile proposes its changes afresh.
type Dir struct {
	Root  string
	Write bool
	Out   io.Writer // nil discards the diff
	// FullPaths names files in the diff as OSPath spells them (Root as
	// typed, then the path under it), for a user in the current directory;
	// otherwise they are relative to Root, where the diff applies.
	FullPaths bool

	mu   sync.Mutex
	file bool // Root is a file, as Snapshot found
	// read holds a hash of each file as ReadFile returned it (maphash:
	// fast, and the file is the user's own, not an adversary): Publish
	// refuses to overwrite a file that changed since, whether by the user
	// or by an earlier change of the same reconcile.
	read map[string]uint64
	seed maphash.Seed
}

var _ Forge = (*Dir)(nil)

// OSPath returns where an entry is on disk, spelled from Root as the user
// typed it: a path the user recognizes in a diff or a message.
func (d *Dir) OSPath(entry string) string {
	d.mu.Lock()
	file := d.file
	d.mu.Unlock()
	if file {
		return d.Root
	}
	return filepath.Join(d.Root, filepath.FromSlash(entry))
}

// Snapshot lists the regular files under Root as rewrite.ScanPath does:
// rewrite.SkippedDirs are not entered, a symbolic link is followed only to
// a regular file inside the tree, and an unreadable directory is a warning.
// A Root that is a file is the one entry, named. Entries carry no SHA:
// hashing would mean reading every file, and a CLI run has no cache.
func (d *Dir) Snapshot(context.Context) (Snapshot, error) {
	snap := Snapshot{Branch: "(working tree)"}
	info, err := os.Stat(d.Root)
	if err != nil {
		return Snapshot{}, fmt.Errorf("scan %s: %w", d.Root, err)
	}
	d.mu.Lock()
	d.file = !info.IsDir()
	d.mu.Unlock()
	if !info.IsDir() {
		snap.Named = true
		if info.Mode().IsRegular() {
			snap.Entries = []Entry{{Path: filepath.Base(d.Root), Mode: "100644", Size: info.Size()}}
		}
		return snap, nil
	}
	files, warns, err := rewrite.ListTree(d.Root)
	if err != nil {
		return Snapshot{}, err
	}
	snap.Warnings = warns
	snap.Entries = make([]Entry, len(files))
	for i, f := range files {
		snap.Entries[i] = Entry{Path: f.Rel, Mode: "100644", Size: f.Size}
	}
	return snap, nil
}

// ReadParallelism implements ParallelReader: local files are read several
// at a time.
func (d *Dir) ReadParallelism() int { return 2 * runtime.GOMAXPROCS(0) }

// ReadFile reads one file. A file that cannot be read is skipped with a
// warning (ErrSkipFile), as the scanner skips it.
func (d *Dir) ReadFile(_ context.Context, e Entry) ([]byte, error) {
	b, err := os.ReadFile(d.OSPath(e.Path))
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

func (s skipFile) Unwrap() []error { return []error{s.error, ErrSkipFile} }

// OpenChanges returns none: a directory has no review requests.
func (d *Dir) OpenChanges(context.Context) ([]OpenChange, error) { return nil, nil }

// Publish prints the diff of the change (see FullPaths) or
// writes its files in place with bump.WriteFile. Every file is checked
// first against what ReadFile returned, so a file edited since is
// reported and nothing is written.
func (d *Dir) Publish(_ context.Context, c Change, _ *OpenChange) (Published, error) {
	if err := CheckBranch(c.Branch, c.Base.Branch); err != nil {
		return Published{}, err
	}
	current := make([][]byte, len(c.Files))
	for i, f := range c.Files {
		p := d.OSPath(f.Path)
		b, err := os.ReadFile(p)
		if err != nil {
			return Published{}, fmt.Errorf("write %s: %w", p, err)
		}
		d.mu.Lock()
		seen, ok := d.read[f.Path]
		d.mu.Unlock()
		if !ok || seen != maphash.Bytes(d.seed, b) {
			return Published{}, fmt.Errorf("write %s: the file changed since it was read: not overwritten", p)
		}
		current[i] = b
	}
	for i, f := range c.Files {
		p := d.OSPath(f.Path)
		if !d.Write {
			shown := f.Path
			if d.FullPaths {
				shown = filepath.ToSlash(p)
			}
			if d.Out != nil {
				if _, err := io.WriteString(d.Out, bump.Diff(shown, current[i], f.Content)); err != nil {
					return Published{}, err
				}
			}
			continue
		}
		// bump.WriteFile renames a new file over its path: through a
		// symbolic link (the tree lists links to its own files) that
		// would replace the link with a copy, so write where it points.
		if target, err := filepath.EvalSymlinks(p); err == nil {
			p = target
		}
		if err := bump.WriteFile(p, f.Content); err != nil {
			return Published{}, err
		}
	}
	return Published{Opened: true}, nil
}
