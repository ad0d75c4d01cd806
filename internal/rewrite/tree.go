package rewrite

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// DefaultMaxFileSize is the size above which a file is not scanned: IaC
// files are small, and a 10 MiB file is a bundle or a data dump.
const DefaultMaxFileSize = 10 << 20

// SkippedDirs are directory names never descended into: VCS data,
// dependencies and build output, which hold copies rather than pins.
var SkippedDirs = map[string]bool{
	".git": true, "node_modules": true, ".terraform": true, "cdk.out": true,
	".aws-sam": true, "vendor": true, ".serverless": true, ".terragrunt-cache": true,
}

// Options tunes ScanPath.
type Options struct {
	Markdown    bool  // also scan Markdown files
	MaxFileSize int64 // 0 means DefaultMaxFileSize
	Workers     int   // 0 means GOMAXPROCS
}

// Result is what a scan of one path found.
type Result struct {
	// Root is the directory the reference paths are relative to, or ""
	// when the scanned path was a single file (then File is that path).
	Root     string
	Refs     []ref.Reference
	Warnings []problem.Problem
	// Files counts the files read; Parsed the ones that passed the byte
	// prefilter and were parsed.
	Files, Parsed int
}

// OSPath returns where a reference's file is on disk.
func (r Result) OSPath(file string) string {
	if r.Root == "" {
		return file
	}
	return filepath.Join(r.Root, filepath.FromSlash(file))
}

// ScanPath scans a directory tree, or a single file.
func ScanPath(p string, opts Options) (Result, error) {
	opts = opts.withDefaults()
	info, err := os.Stat(p)
	if err != nil {
		return Result{}, fmt.Errorf("scan %s: %w", p, err)
	}
	var res Result
	if info.IsDir() {
		var mu sync.Mutex
		warns, err := walkTree(p, opts.Workers, func(files []TreeFile) {
			entries := make([]entry, len(files))
			for i, f := range files {
				entries[i] = entry{rel: f.Rel, path: f.Path, kind: treeKind(f.Rel, opts.Markdown)}
			}
			// Read buffers outlive a directory: a tree of small
			// directories would otherwise grow a new one in each.
			buf := bufPool.Get().(*[]byte)
			local := scanDir(entries, opts, buf)
			if cap(*buf) <= maxPooledBuf {
				bufPool.Put(buf)
			}
			mu.Lock()
			res.merge(local)
			mu.Unlock()
		})
		if err != nil {
			return Result{}, err
		}
		res.Warnings = append(res.Warnings, warns...)
		res.Root = p
	} else {
		// A file named on the command line is scanned whatever its kind,
		// Markdown included.
		var buf []byte
		res = scanGroup([]entry{{rel: p, path: p, kind: kindOf(p, true)}}, opts, &buf)
	}
	res.sort()
	return res, nil
}

// bufPool holds read buffers between directories; maxPooledBuf keeps a
// buffer grown for one large file from being held for the whole scan.
var bufPool = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledBuf = 1 << 20

// withDefaults fills in the zero options.
func (o Options) withDefaults() Options {
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// TreeFile is a regular file of a tree, as ListTree and ScanPath see it.
type TreeFile struct {
	Rel  string // slash-separated path under the root
	Path string // path on disk
	Size int64  // set by ListTree only
	// Real is, for a symbolic link, the slash-separated path under the
	// root of the file it points to; "" for a file that is no link.
	Real string
}

// ListTree lists the files a scan of root reads: SkippedDirs are not
// entered, symbolic links are followed only to regular files inside the
// tree, and an unreadable directory is a warning. Files come in path
// order.
func ListTree(root string) ([]TreeFile, []problem.Problem, error) {
	var mu sync.Mutex
	var all []TreeFile
	warns, err := walkTree(root, 2*runtime.GOMAXPROCS(0), func(files []TreeFile) {
		for i := range files {
			// A file gone since the listing keeps size 0: reading it
			// will say what happened.
			if info, err := os.Stat(files[i].Path); err == nil {
				files[i].Size = info.Size()
			}
		}
		mu.Lock()
		all = append(all, files...)
		mu.Unlock()
	})
	sort.Slice(all, func(i, j int) bool { return all[i].Rel < all[j].Rel })
	return all, warns, err
}

// walkTree lists root with a fixed pool of workers taking directories
// from a shared stack, and calls visit with the regular files of each
// directory (concurrently, from the worker that listed it, so visit's own
// work is bounded too). Listing directories in parallel matters as much
// as reading files in parallel: on a 20,000-file tree a sequential walk
// alone costs more than ripgrep's whole search. A pool rather than a
// goroutine per directory keeps thousands of parked goroutines (and their
// stacks) out of a large tree's scan.
func walkTree(root string, workers int, visit func([]TreeFile)) ([]problem.Problem, error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", root, err)
	}
	w := &walker{root: root, realRoot: realRoot, visit: visit, pending: 1, queue: []string{root}}
	w.cond = sync.NewCond(&w.mu)
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Go(w.work)
	}
	wg.Wait()
	return w.warns, nil
}

type walker struct {
	root, realRoot string
	visit          func([]TreeFile)

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []string // directories waiting to be listed (a stack: depth first keeps it short)
	pending int      // directories queued or being listed
	warns   []problem.Problem
}

// work lists directories until none is queued or being listed.
func (w *walker) work() {
	for {
		w.mu.Lock()
		for len(w.queue) == 0 && w.pending > 0 {
			w.cond.Wait()
		}
		if w.pending == 0 {
			w.mu.Unlock()
			return
		}
		p := w.queue[len(w.queue)-1]
		w.queue = w.queue[:len(w.queue)-1]
		w.mu.Unlock()

		w.dir(p)

		w.mu.Lock()
		w.pending--
		if w.pending == 0 {
			w.cond.Broadcast() // the walk is over: release the idle workers
		}
		w.mu.Unlock()
	}
}

// dir lists one directory, queues its subdirectories and visits its files.
func (w *walker) dir(p string) {
	entries, err := os.ReadDir(p)
	if err != nil {
		w.mu.Lock()
		w.warns = append(w.warns, problem.New(problem.Read, w.rel(p), 0, 0, err))
		w.mu.Unlock()
		return
	}
	files := make([]TreeFile, 0, len(entries))
	var subdirs []string
	for _, e := range entries {
		full := filepath.Join(p, e.Name())
		typ := e.Type()
		real := ""
		if typ&fs.ModeSymlink != 0 {
			rel, ok := targetInside(w.realRoot, full)
			if !ok {
				continue
			}
			typ, real = 0, rel // a link to a regular file inside the tree: read it
		}
		if e.IsDir() {
			if !SkippedDirs[e.Name()] {
				subdirs = append(subdirs, full)
			}
			continue
		}
		if typ.IsRegular() {
			files = append(files, TreeFile{Rel: w.rel(full), Path: full, Real: real})
		}
	}
	if len(subdirs) > 0 {
		w.mu.Lock()
		w.queue = append(w.queue, subdirs...)
		w.pending += len(subdirs)
		w.mu.Unlock()
		w.cond.Broadcast()
	}
	if len(files) > 0 {
		w.visit(files)
	}
}

func (w *walker) rel(full string) string {
	rel, err := filepath.Rel(w.root, full)
	if err != nil {
		return filepath.ToSlash(full)
	}
	return filepath.ToSlash(rel)
}

func (r *Result) merge(o Result) {
	r.Refs = append(r.Refs, o.Refs...)
	r.Warnings = append(r.Warnings, o.Warnings...)
	r.Files += o.Files
	r.Parsed += o.Parsed
}

// sort puts references and warnings in the order every output uses.
func (r *Result) sort() {
	ref.Sort(r.Refs)
	sort.SliceStable(r.Warnings, func(i, j int) bool {
		if r.Warnings[i].File != r.Warnings[j].File {
			return r.Warnings[i].File < r.Warnings[j].File
		}
		return r.Warnings[i].Line < r.Warnings[j].Line
	})
}

// targetInside returns the slash-separated path under realRoot of the
// regular file symlink p resolves to, and whether there is one.
func targetInside(realRoot, p string) (string, bool) {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", false
	}
	info, err := os.Stat(target)
	if err != nil || !info.Mode().IsRegular() {
		return "", false
	}
	rel, err := filepath.Rel(realRoot, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// ErrTooLarge is wrapped by the error of a file over the size limit,
// which is not scanned.
var ErrTooLarge = errors.New("over the size limit")

func tooLarge(size, max int64) error {
	return fmt.Errorf("%d bytes, %w of %d bytes: not scanned", size, ErrTooLarge, max)
}

// isBinary tells a binary file the way git does: a NUL byte in the first
// 8000 bytes.
func isBinary(src []byte) bool {
	return bytes.IndexByte(src[:min(len(src), 8000)], 0) >= 0
}
