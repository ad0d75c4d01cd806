package rewrite

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden sections of testdata/golden/*.txtar")

// Golden sections of an archive; every other file is an input file.
const (
	scanSection  = "scan.json"
	warnSection  = "warnings.txt"
	errSection   = "bump-errors.txt"
	bumpedPrefix = "bumped/"
)

// TestGolden scans each testdata/golden case, compares the references with
// scan.json, bumps every located version by one and compares the edited
// files with bumped/<file>. A second pass checks that the bumped tree scans
// to the same references with the new versions, like gofmt's golden tests
// check that formatting a golden file changes nothing.
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/golden/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no golden cases")
	}
	for _, path := range cases {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			t.Parallel()
			runGolden(t, path)
		})
	}
}

func runGolden(t *testing.T, path string) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var inputs []txtar.File
	want := map[string][]byte{}
	for _, f := range ar.Files {
		if isGoldenSection(f.Name) {
			want[f.Name] = f.Data
			continue
		}
		inputs = append(inputs, f)
		writeFile(t, filepath.Join(dir, f.Name), f.Data)
	}
	got := goldenOutputs(t, dir)
	checkScanFiles(t, dir, inputs)
	if *update {
		ar.Files = append(inputs, sortedSections(got)...)
		if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for name, data := range got {
		if !bytes.Equal(want[name], data) {
			t.Errorf("%s differs (run with -update to accept)\n--- want\n%s\n--- got\n%s", name, want[name], data)
		}
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("%s is in the golden file but was not produced", name)
		}
	}
}

func isGoldenSection(name string) bool {
	return name == scanSection || name == warnSection || name == errSection || strings.HasPrefix(name, bumpedPrefix)
}

// goldenOutputs scans dir, bumps it and returns the golden sections.
func goldenOutputs(t *testing.T, dir string) map[string][]byte {
	res, err := ScanPath(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	js, err := json.MarshalIndent(nonNil(res.Refs), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	out[scanSection] = append(js, '\n')
	if len(res.Warnings) > 0 {
		var b strings.Builder
		for _, w := range res.Warnings {
			b.WriteString(w.Error() + "\n")
		}
		out[warnSection] = []byte(b.String())
	}
	bumped, errs := bumpAll(t, dir, res)
	for file, data := range bumped {
		out[bumpedPrefix+file] = data
	}
	if errs != "" {
		out[errSection] = []byte(errs)
	}
	checkBumpedTree(t, dir, res, bumped)
	return out
}

// bumpAll moves every located version up by one and returns the edited
// files (relative path -> bytes) and the refused edits.
func bumpAll(t *testing.T, dir string, res Result) (map[string][]byte, string) {
	edits := map[string][]Edit{}
	seen := map[string]bool{}
	for _, r := range res.Refs {
		e, ok := EditFor(r, *nonZero(r.Version)+1)
		if !ok {
			continue
		}
		key := fmt.Sprintf("%s@%d", r.VersionAt.File, e.Offset)
		if !seen[key] {
			seen[key] = true
			edits[r.VersionAt.File] = append(edits[r.VersionAt.File], e)
		}
	}
	bumped := map[string][]byte{}
	var errs strings.Builder
	for file, es := range edits {
		src, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		newSrc, err := Apply(file, src, es)
		if err != nil {
			fmt.Fprintf(&errs, "%v\n", err)
			continue
		}
		bumped[file] = newSrc
	}
	return bumped, errs.String()
}

// checkBumpedTree writes the bumped files and scans again: every located
// reference now carries version+1, everything else is as before.
func checkBumpedTree(t *testing.T, dir string, before Result, bumped map[string][]byte) {
	if len(bumped) == 0 {
		return
	}
	dir2 := t.TempDir()
	if err := os.CopyFS(dir2, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	for file, data := range bumped {
		writeFile(t, filepath.Join(dir2, file), data)
	}
	after, err := ScanPath(dir2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Refs) != len(before.Refs) {
		t.Fatalf("bumped tree has %d references, want %d", len(after.Refs), len(before.Refs))
	}
	for i, o := range before.Refs {
		n := after.Refs[i]
		if o.VersionAt == nil || bumped[o.VersionAt.File] == nil {
			continue
		}
		if n.Version == nil || *n.Version != *o.Version+1 {
			t.Errorf("%s: after the bump version is %v, want %d", o.Pos, n.Version, *o.Version+1)
		}
	}
}

func nonNil(refs []ref.Reference) []ref.Reference {
	if refs == nil {
		return []ref.Reference{}
	}
	return refs
}

func nonZero(v *int) *int {
	if v == nil {
		z := 0
		return &z
	}
	return v
}

func sortedSections(m map[string][]byte) []txtar.File {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	files := make([]txtar.File, 0, len(names))
	for _, n := range names {
		files = append(files, txtar.File{Name: n, Data: m[n]})
	}
	return files
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
