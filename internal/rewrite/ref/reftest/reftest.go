// Package reftest holds the checks every format scanner's tests share. They
// state the two properties an edit relies on: the bytes a reference's
// VersionAt points at are its version in decimal, and rewriting those bytes
// (what bumpbot's edit does) rescans to the same references with only the
// ones sharing that literal moved.
package reftest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// ScanFunc scans a set of files: the files of a module for Terraform, one
// file for the other formats (see EachFile).
type ScanFunc func(files []ref.File) ([]ref.Reference, []problem.Problem)

// EachFile adapts a scanner of one file: each file is scanned on its own
// and the results are concatenated.
func EachFile(scan func(ref.File) ([]ref.Reference, []problem.Problem)) ScanFunc {
	return func(files []ref.File) ([]ref.Reference, []problem.Problem) {
		var refs []ref.Reference
		var warns []problem.Problem
		for _, f := range files {
			r, w := scan(f)
			refs, warns = append(refs, r...), append(warns, w...)
		}
		return refs, warns
	}
}

// ReadFiles reads the regular files matching a glob pattern (directories,
// such as testdata/fuzz, are left out), each named by its base name. It
// fails the test when nothing matches.
func ReadFiles(t testing.TB, pattern string) []ref.File {
	t.Helper()
	paths, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatalf("fixtures %s: %v", pattern, err)
	}
	var files []ref.File
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, ref.File{Path: filepath.Base(p), Src: src})
	}
	if len(files) == 0 {
		t.Fatalf("no fixtures match %s", pattern)
	}
	return files
}

// Src returns the bytes of the file named name, or nil.
func Src(files []ref.File, name string) []byte {
	for _, f := range files {
		if f.Path == name {
			return f.Src
		}
	}
	return nil
}

// CheckVersionAt asserts, for every reference with a VersionAt, the
// invariant an edit relies on: the reference has a version, VersionLen
// bytes at VersionAt in the file it names are that version in decimal,
// and VersionAt's line and column are those of its offset. It reports
// whether all references passed.
func CheckVersionAt(t testing.TB, files []ref.File, refs []ref.Reference) bool {
	t.Helper()
	ok := true
	for _, r := range refs {
		if msg := versionAtProblem(files, r); msg != "" {
			t.Errorf("%s %s: %s", r.Pos, r.ARN, msg)
			ok = false
		}
	}
	return ok
}

func versionAtProblem(files []ref.File, r ref.Reference) string {
	at := r.VersionAt
	if at == nil {
		return ""
	}
	if r.Version == nil {
		return fmt.Sprintf("version_at %s set without a version", at)
	}
	src := Src(files, at.File)
	if src == nil {
		return fmt.Sprintf("version_at %s names a file not scanned", at)
	}
	want := strconv.Itoa(*r.Version)
	if r.VersionLen != len(want) || at.Offset < 0 || at.Offset+len(want) > len(src) ||
		string(src[at.Offset:at.Offset+len(want)]) != want {
		return fmt.Sprintf("the %d bytes at version_at %s (offset %d) are not %q", r.VersionLen, at, at.Offset, want)
	}
	if p := ref.NewLines(at.File, src).Pos(at.Offset); p != *at {
		return fmt.Sprintf("version_at %+v does not match its offset (%+v)", *at, p)
	}
	return ""
}

// Splice returns a copy of files in which the n bytes at at are replaced by
// the decimal to: the edit bumpbot makes.
func Splice(files []ref.File, at ref.Pos, n, to int) []ref.File {
	out := make([]ref.File, len(files))
	copy(out, files)
	for i, f := range out {
		if f.Path != at.File {
			continue
		}
		src := append([]byte(nil), f.Src[:at.Offset]...)
		src = strconv.AppendInt(src, int64(to), 10)
		out[i].Src = append(src, f.Src[at.Offset+n:]...)
	}
	return out
}

// Bumped returns the references a rescan of edited, which is the scanned
// files after Splice(files, at, n, to), must find: those whose VersionAt is
// at carry version to, positions after the edit in that file move by the
// length difference, and nothing else changes.
func Bumped(edited []ref.File, refs []ref.Reference, at ref.Pos, n, to int) []ref.Reference {
	repl := strconv.Itoa(to)
	lines := ref.NewLines(at.File, Src(edited, at.File))
	shift := func(p ref.Pos) ref.Pos {
		if p.File != at.File || p.Offset < 0 {
			return p
		}
		if p.Offset > at.Offset {
			return lines.Pos(p.Offset + len(repl) - n)
		}
		return lines.Pos(p.Offset)
	}
	editedSrc := Src(edited, at.File)
	want := make([]ref.Reference, len(refs))
	for i, r := range refs {
		arnAt := r.Offset
		r.Pos = shift(r.Pos)
		if r.VersionAt != nil {
			targeted := r.VersionAt.File == at.File && r.VersionAt.Offset == at.Offset
			p := shift(*r.VersionAt)
			r.VersionAt = &p
			if targeted {
				v := to
				r.Version = &v
				r.VersionLen = len(repl)
				r.ARN = bumpedARN(r, arnAt, editedSrc, at, n, repl)
			}
		}
		want[i] = r
	}
	return want
}

// Options tune BumpEachAndRescan.
type Options struct {
	// To is the version written over version v; nil means v+1.
	To func(v int) int
	// Max bounds how many literals are bumped (fuzz targets keep each
	// input cheap); 0 means all of them.
	Max int
}

// SameLength returns a version other than v with as many digits, so an
// edit moves nothing after it.
func SameLength(v int) int {
	if v%10 == 9 {
		return v - 1
	}
	return v + 1
}

// maxDigits is how many version digits the ARN matcher reads.
const maxDigits = 9

// BumpEachAndRescan scans files, then for each distinct version literal in
// turn rewrites it and scans again. It asserts CheckVersionAt before and
// after every edit, that no byte but the literal changed, that the edit
// leaves the warnings as they were, and that the rescan finds exactly what
// Bumped predicts, every field compared. It returns how many edits it
// checked; an edit whose new version has more digits than the matcher
// reads is skipped.
func BumpEachAndRescan(t testing.TB, scan ScanFunc, files []ref.File, opts Options) int {
	t.Helper()
	next := opts.To
	if next == nil {
		next = func(v int) int { return v + 1 }
	}
	before, warns := scan(files)
	if !CheckVersionAt(t, files, before) {
		t.FailNow()
	}
	type literal struct {
		file string
		off  int
	}
	done := map[literal]bool{}
	edits := 0
	for _, r := range before {
		if r.VersionAt == nil || done[literal{r.VersionAt.File, r.VersionAt.Offset}] {
			continue
		}
		done[literal{r.VersionAt.File, r.VersionAt.Offset}] = true
		if opts.Max > 0 && edits >= opts.Max {
			break
		}
		at, n, to := *r.VersionAt, r.VersionLen, next(*r.Version)
		if len(strconv.Itoa(to)) > maxDigits {
			continue
		}
		what := fmt.Sprintf("bumping %s (%s) to %d", at, r.ARN, to)
		edited := Splice(files, at, n, to)
		checkOtherBytes(t, what, files, edited, at, n, to)
		got, gotWarns := scan(edited)
		if diff := cmp.Diff(warns, gotWarns, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%s: warnings changed (-before +after):\n%s", what, diff)
		}
		if diff := cmp.Diff(Bumped(edited, before, at, n, to), got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%s: references (-want +got):\n%s\nedited %s: %q", what, diff, at.File, Src(edited, at.File))
		}
		if !CheckVersionAt(t, edited, got) {
			t.FailNow()
		}
		edits++
	}
	return edits
}

// checkOtherBytes asserts that an edit changed only the literal at at.
func checkOtherBytes(t testing.TB, what string, before, after []ref.File, at ref.Pos, n, to int) {
	t.Helper()
	m := len(strconv.Itoa(to))
	for i, f := range before {
		g := after[i].Src
		if f.Path != at.File {
			if string(g) != string(f.Src) {
				t.Fatalf("%s: %s changed", what, f.Path)
			}
			continue
		}
		if string(g[:at.Offset]) != string(f.Src[:at.Offset]) || string(g[at.Offset+m:]) != string(f.Src[at.Offset+n:]) {
			t.Fatalf("%s: bytes outside the version changed", what)
		}
	}
}

// bumpedARN is the ARN text a rescan reports once the version literal at
// at (n digits) reads repl. An ARN reported as the file spells it shows
// the new digits where the literal sits inside it (its last digits, or
// inside a ${10}); an evaluated ARN ends in the version; an ARN spelled
// with a ${var} version keeps its spelling.
func bumpedARN(r ref.Reference, arnAt int, editedSrc []byte, at ref.Pos, n int, repl string) string {
	if rel := at.Offset - arnAt; r.File == at.File && rel >= 0 && rel+n <= len(r.ARN) && arnAt <= len(editedSrc) {
		spelled := r.ARN[:rel] + repl + r.ARN[rel+n:]
		if bytes.HasPrefix(editedSrc[arnAt:], []byte(spelled)) {
			return spelled
		}
	}
	if len(r.ARN) >= n && isDigit(r.ARN[len(r.ARN)-1]) {
		return r.ARN[:len(r.ARN)-n] + repl
	}
	return r.ARN
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
