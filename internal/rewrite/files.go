package rewrite

import (
	"path"
	"sort"
	"strings"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// ScanFiles scans an in-memory set of files, such as a repository tree read
// through an API, exactly as ScanPath scans a directory holding them with
// default options: paths are slash-separated and relative, and are
// reported as given. Files under SkippedDirs, Markdown files, files over
// DefaultMaxFileSize and binary files are skipped; the HCL files of one
// directory are scanned together as one module.
func ScanFiles(files []ref.File) ([]ref.Reference, []problem.Problem) {
	opts := Options{}.withDefaults()
	// ScanPath lists each directory in name order: a module's files are
	// scanned in that order too.
	sorted := append([]ref.File(nil), files...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	dirs := map[string][]entry{}
	var order []string
	for _, f := range sorted {
		dir := path.Dir(f.Path)
		if InSkippedDir(dir) {
			continue
		}
		if _, ok := dirs[dir]; !ok {
			order = append(order, dir)
		}
		dirs[dir] = append(dirs[dir], entry{rel: f.Path, kind: treeKind(f.Path, opts.Markdown), src: f.Src})
	}
	var res Result
	var buf []byte
	for _, dir := range order {
		res.merge(scanDir(dirs[dir], opts, &buf))
	}
	res.sort()
	return res.Refs, res.Warnings
}

// InSkippedDir reports whether a slash-separated directory path is, or is
// inside, one of SkippedDirs.
func InSkippedDir(dir string) bool {
	for _, name := range strings.Split(dir, "/") {
		if SkippedDirs[name] {
			return true
		}
	}
	return false
}
