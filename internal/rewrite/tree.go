package rewrite

import (
	"bytes"
	"fmt"
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

// job is one unit of scanning work: a single file, or the HCL files of one
// directory, which are scanned together so variables resolve across files.
type job struct {
	k     kind
	paths []string // OS paths
	rels  []string // reported paths
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
	var jobs []job
	res := Result{Root: p}
	if info.IsDir() {
		jobs, err = collect(p, opts)
		if err != nil {
			return Result{}, err
		}
	} else {
		res.Root = ""
		k := kindOf(p, true)
		jobs = []job{{k: k, paths: []string{p}, rels: []string{p}}}
	}
	runJobs(jobs, opts, &res)
	ref.Sort(res.Refs)
	sort.SliceStable(res.Warnings, func(i, j int) bool {
		if res.Warnings[i].File != res.Warnings[j].File {
			return res.Warnings[i].File < res.Warnings[j].File
		}
		return res.Warnings[i].Line < res.Warnings[j].Line
	})
	return res, nil
}

// collect walks root and returns the scanning jobs, HCL files grouped by
// directory.
func collect(root string, opts Options) ([]job, error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", root, err)
	}
	var jobs []job
	modules := map[string]int{} // dir -> index in jobs
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // unreadable entry: skip it, keep walking
		}
		if d.IsDir() {
			if p != root && SkippedDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 && !insideRoot(realRoot, p) {
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil
		}
		rel = filepath.ToSlash(rel)
		k := kindOf(rel, opts.Markdown)
		switch k {
		case kindSkip:
		case kindTerraform:
			dir := filepath.Dir(p)
			if i, ok := modules[dir]; ok {
				jobs[i].paths = append(jobs[i].paths, p)
				jobs[i].rels = append(jobs[i].rels, rel)
			} else {
				modules[dir] = len(jobs)
				jobs = append(jobs, job{k: k, paths: []string{p}, rels: []string{rel}})
			}
		default:
			jobs = append(jobs, job{k: k, paths: []string{p}, rels: []string{rel}})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", root, err)
	}
	return jobs, nil
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

// runJobs scans jobs on opts.Workers goroutines and gathers the results.
func runJobs(jobs []job, opts Options, res *Result) {
	type out struct {
		refs          []ref.Reference
		warns         []ref.Warning
		files, parsed int
	}
	ch := make(chan job)
	outs := make(chan out, opts.Workers)
	var wg sync.WaitGroup
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				var o out
				o.refs, o.warns, o.files, o.parsed = scanJob(j, opts)
				outs <- o
			}
		}()
	}
	go func() {
		for _, j := range jobs {
			ch <- j
		}
		close(ch)
		wg.Wait()
		close(outs)
	}()
	for o := range outs {
		res.Refs = append(res.Refs, o.refs...)
		res.Warnings = append(res.Warnings, o.warns...)
		res.Files += o.files
		res.Parsed += o.parsed
	}
}

// scanJob reads a job's files and scans those that pass the prefilter.
func scanJob(j job, opts Options) ([]ref.Reference, []ref.Warning, int, int) {
	var files []ref.File
	var warns []ref.Warning
	worth := false
	for i, p := range j.paths {
		src, err := readCandidate(p, opts.MaxFileSize)
		if err != nil {
			warns = append(warns, ref.Warning{File: j.rels[i], Message: err.Error()})
			continue
		}
		if src == nil {
			continue
		}
		files = append(files, ref.File{Path: j.rels[i], Src: src})
		worth = worth || worthParsing(j.k, src)
	}
	if !worth {
		return nil, warns, len(files), 0
	}
	var refs []ref.Reference
	var w []ref.Warning
	if j.k == kindTerraform {
		refs, w = scanModule(files)
	} else {
		refs, w = scanOne(files[0], j.k)
	}
	return refs, append(warns, w...), len(files), len(files)
}

// readCandidate reads a file unless it is too large or binary (nil, nil).
func readCandidate(p string, max int64) ([]byte, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if info.Size() > max {
		return nil, nil
	}
	src, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	head := src
	if len(head) > 8000 {
		head = head[:8000]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, nil // binary, as git decides it
	}
	return src, nil
}
