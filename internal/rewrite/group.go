package rewrite

import (
	"errors"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/pulumi"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// entry is one file to scan: the path references report, its kind, and
// where its bytes are: on disk at path, or in src when path is "".
type entry struct {
	rel  string
	kind kind
	path string
	src  []byte
}

// read returns the bytes of a file worth scanning, or nil for one that is
// too large or binary. A file on disk is read into *buf, which the caller
// reuses; the result then aliases *buf.
func (e entry) read(maxSize int64, buf *[]byte) ([]byte, error) {
	if e.path != "" {
		return readCandidate(e.path, maxSize, buf)
	}
	if int64(len(e.src)) > maxSize {
		return nil, tooLarge(int64(len(e.src)), maxSize)
	}
	if isBinary(e.src) {
		return nil, nil
	}
	return e.src, nil
}

// scanDir scans the files of one directory, each on its own except the
// HCL files, which are one module scanned together so that variables and
// locals resolve across the files of the module, and a Pulumi.yaml with
// the stack files beside it, whose config overrides the program's
// defaults.
func scanDir(files []entry, opts Options, buf *[]byte) Result {
	var res Result
	var module, project []entry
	for _, e := range files {
		if e.kind == kindPulumiYAML && project == nil {
			project = []entry{e}
		}
	}
	for _, e := range files {
		switch {
		case e.kind == kindSkip:
		case e.kind == kindTerraform:
			module = append(module, e)
		case project != nil && e.kind == kindStructured && pulumi.IsStackFile(e.rel):
			project = append(project, e)
		case project != nil && e.rel == project[0].rel:
		default:
			res.merge(scanGroup([]entry{e}, opts, buf))
		}
	}
	for _, group := range [][]entry{module, project} {
		if len(group) > 0 {
			res.merge(scanGroup(group, opts, buf))
		}
	}
	return res
}

// scanGroup reads one file, or the HCL files of one module (all of one
// kind, or a Pulumi project), and scans them if they pass the byte prefilter. Files that do not
// pass are read into *buf, reused across calls, so the bulk of a tree
// allocates nothing; parsers never retain the bytes they are given.
func scanGroup(group []entry, opts Options, buf *[]byte) Result {
	var res Result
	var files []ref.File
	k := group[0].kind
	worth := false
	for _, e := range group {
		src, err := e.read(opts.MaxFileSize, buf)
		if err != nil {
			kind := problem.Read
			if errors.Is(err, ErrTooLarge) {
				kind = problem.TooLarge
			}
			res.Warnings = append(res.Warnings, problem.New(kind, e.rel, 0, 0, err))
			continue
		}
		if src == nil {
			continue
		}
		if len(group) > 1 && e.path != "" {
			src = append([]byte(nil), src...) // a module keeps several files at once
		}
		files = append(files, ref.File{Path: e.rel, Src: src})
		worth = worth || worthParsing(k, src)
	}
	res.Files = len(files)
	if !worth {
		return res
	}
	var refs []ref.Reference
	var warns []problem.Problem
	switch {
	case k == kindTerraform:
		refs, warns = scanModule(files)
	case k == kindPulumiYAML && len(group) > 1:
		refs, warns = scanProject(files)
	default:
		refs, warns = scanOne(files[0], k)
	}
	res.Refs, res.Parsed = refs, len(files)
	res.Warnings = append(res.Warnings, warns...)
	return res
}
