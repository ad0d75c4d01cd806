package rewrite

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

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
	Warnings []ref.Warning
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
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	info, err := os.Stat(p)
	if err != nil {
		return Result{}, fmt.Errorf("scan %s: %w", p, err)
	}
	var res Result
	if info.IsDir() {
		realRoot, err := filepath.EvalSymlinks(p)
		if err != nil {
			return Result{}, fmt.Errorf("scan %s: %w", p, err)
		}
		w := &walker{root: p, realRoot: realRoot, opts: opts, sem: make(chan struct{}, opts.Workers)}
		w.wg.Add(1)
		go w.dir(p)
		w.wg.Wait()
		res = w.res
		res.Root = p
	} else {
		var buf []byte
		res.Refs, res.Warnings, res.Files, res.Parsed = scanGroup(kindOf(p, true), []string{p}, []string{p}, opts, &buf)
	}
	ref.Sort(res.Refs)
	sort.SliceStable(res.Warnings, func(i, j int) bool {
		if res.Warnings[i].File != res.Warnings[j].File {
			return res.Warnings[i].File < res.Warnings[j].File
		}
		return res.Warnings[i].Line < res.Warnings[j].Line
	})
	return res, nil
}

// walker scans a tree with one goroutine per directory; sem bounds how
// many read and parse at once. Listing directories in parallel matters as
// much as reading files in parallel: on a 20,000-file tree a sequential
// walk alone costs more than ripgrep's whole search.
type walker struct {
	root, realRoot string
	opts           Options
	sem            chan struct{}
	wg             sync.WaitGroup

	mu  sync.Mutex
	res Result
}

// dir scans the files of one directory and starts a goroutine for each
// subdirectory. HCL files of a directory are one module, scanned together
// so variables resolve across files.
func (w *walker) dir(p string) {
	defer w.wg.Done()
	w.sem <- struct{}{}
	entries, err := os.ReadDir(p)
	if err != nil {
		<-w.sem
		w.warn(p, err)
		return
	}
	var buf []byte
	var modPaths, modRels []string
	var local Result
	for _, e := range entries {
		full := filepath.Join(p, e.Name())
		typ := e.Type()
		if typ&fs.ModeSymlink != 0 {
			if !insideRoot(w.realRoot, full) {
				continue
			}
			typ = 0 // a link to a regular file inside the tree: read it
		}
		if e.IsDir() {
			if !SkippedDirs[e.Name()] {
				w.wg.Add(1)
				go w.dir(full)
			}
			continue
		}
		if !typ.IsRegular() {
			continue
		}
		rel := w.rel(full)
		k := kindOf(rel, w.opts.Markdown)
		switch k {
		case kindSkip:
		case kindTerraform:
			modPaths, modRels = append(modPaths, full), append(modRels, rel)
		default:
			local.add(scanGroup(k, []string{full}, []string{rel}, w.opts, &buf))
		}
	}
	if len(modPaths) > 0 {
		local.add(scanGroup(kindTerraform, modPaths, modRels, w.opts, &buf))
	}
	<-w.sem
	w.mu.Lock()
	w.res.add(local.Refs, local.Warnings, local.Files, local.Parsed)
	w.mu.Unlock()
}

func (w *walker) rel(full string) string {
	rel, err := filepath.Rel(w.root, full)
	if err != nil {
		return filepath.ToSlash(full)
	}
	return filepath.ToSlash(rel)
}

func (w *walker) warn(p string, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.res.Warnings = append(w.res.Warnings, ref.Warning{File: w.rel(p), Message: err.Error()})
}

func (r *Result) add(refs []ref.Reference, warns []ref.Warning, files, parsed int) {
	r.Refs = append(r.Refs, refs...)
	r.Warnings = append(r.Warnings, warns...)
	r.Files += files
	r.Parsed += parsed
}

// insideRoot reports whether symlink p resolves to a regular file inside
// realRoot; links that leave the tree are not followed.
func insideRoot(realRoot, p string) bool {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		return false
	}
	info, err := os.Stat(target)
	if err != nil || !info.Mode().IsRegular() {
		return false
	}
	rel, err := filepath.Rel(realRoot, target)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// scanGroup reads one file, or the HCL files of one directory, and scans
// them if they pass the prefilter. Files that do not pass are read into
// *buf, reused across calls, so the bulk of a tree allocates nothing;
// parsers never retain the bytes they are given.
func scanGroup(k kind, paths, rels []string, opts Options, buf *[]byte) ([]ref.Reference, []ref.Warning, int, int) {
	var files []ref.File
	var warns []ref.Warning
	worth := false
	for i, p := range paths {
		src, err := readCandidate(p, opts.MaxFileSize, buf)
		if err != nil {
			warns = append(warns, ref.Warning{File: rels[i], Message: err.Error()})
			continue
		}
		if src == nil {
			continue
		}
		if len(paths) > 1 {
			src = append([]byte(nil), src...) // a module keeps several files at once
		}
		files = append(files, ref.File{Path: rels[i], Src: src})
		worth = worth || worthParsing(k, src)
	}
	if !worth {
		return nil, warns, len(files), 0
	}
	var refs []ref.Reference
	var w []ref.Warning
	if k == kindTerraform {
		refs, w = scanModule(files)
	} else {
		refs, w = scanOne(files[0], k)
	}
	return refs, append(warns, w...), len(files), len(files)
}

// readCandidate reads a file into *buf unless it is too large or binary
// (nil, nil). The result aliases *buf.
func readCandidate(p string, max int64, buf *[]byte) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	size := info.Size()
	if size > max || !info.Mode().IsRegular() {
		return nil, nil
	}
	if int64(cap(*buf)) < size+1 {
		*buf = make([]byte, size+1+size/4)
	}
	b := (*buf)[:cap(*buf)]
	n := 0
	for {
		m, err := f.Read(b[n:])
		n += m
		if err == io.EOF || m == 0 && err == nil {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read: %w", err)
		}
		if n == len(b) { // the file grew while we read it
			*buf = append(b, make([]byte, len(b))...)
			b = (*buf)[:cap(*buf)]
		}
		if int64(n) > max {
			return nil, nil
		}
	}
	src := b[:n]
	head := src
	if len(head) > 8000 {
		head = head[:8000]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, nil // binary, as git decides it
	}
	return src, nil
}
