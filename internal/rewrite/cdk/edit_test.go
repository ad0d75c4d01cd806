package cdk

import (
	"bytes"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref/reftest"
)

// scannerFor picks the scanner the way the caller dispatches files.
func scannerFor(name string) reftest.ScanFunc {
	if base := filepath.Base(name); base == "cdk.json" || base == "cdk.context.json" {
		return reftest.EachFile(ScanContext)
	}
	return reftest.EachFile(ScanSource)
}

// editEach bumps every version literal of f in turn and checks the rescan
// (see reftest.BumpEachAndRescan); it returns how many edits it checked.
func editEach(t *testing.T, f ref.File) int {
	t.Helper()
	return reftest.BumpEachAndRescan(t, scannerFor(f.Path), []ref.File{f}, reftest.Options{})
}

// fixtures reads the sources under testdata.
func fixtures(t testing.TB) []ref.File {
	t.Helper()
	return reftest.ReadFiles(t, filepath.Join("testdata", "*"))
}

func TestEditRoundtrip(t *testing.T) {
	t.Parallel()
	for _, fixture := range fixtures(t) {
		for _, crlf := range []bool{false, true} {
			name := fixture.Path
			t.Run(name+"/crlf="+strconv.FormatBool(crlf), func(t *testing.T) {
				t.Parallel()
				src := fixture.Src
				if crlf {
					src = bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))
				}
				refs, warns := scannerFor(name)([]ref.File{{Path: name, Src: src}})
				if len(warns) > 0 || len(refs) == 0 {
					t.Fatalf("fixture scans to %d references, warnings %v", len(refs), warns)
				}
				if n := editEach(t, ref.File{Path: name, Src: src}); n < 2 {
					t.Fatalf("only %d edits possible, fixtures hold at least two", n)
				}
			})
		}
	}
}

// fuzzNames are the file names FuzzScanSource picks from.
var fuzzNames = []string{"lib/stack.ts", "app.py", "Stack.java", "Stack.kt", "Stack.cs", "main.go", "index.mjs"}

func FuzzScanSource(f *testing.F) {
	for _, fixture := range fixtures(f) {
		for i, n := range fuzzNames {
			if filepath.Ext(n) == filepath.Ext(fixture.Path) {
				f.Add(uint8(i), fixture.Src)
			}
		}
	}
	f.Add(uint8(0), []byte("`${`${'${'}`}`} 'arn:aws:lambda:us-east-1:123456789012:layer:x:1' /[/'/ \"\\"))
	f.Add(uint8(1), []byte("f'{x!r:{w}}' rb'\\'' '''arn:aws:lambda:us-east-1:123456789012:layer:x:09'''"))
	f.Add(uint8(4), []byte("$@\"{{x}}\"\"\" $$\"\"\"arn:aws:lambda:{r}:123456789012:layer:x:2\"\"\""))
	f.Fuzz(func(t *testing.T, pick uint8, src []byte) {
		editEach(t, ref.File{Path: fuzzNames[int(pick)%len(fuzzNames)], Src: src})
	})
}

func FuzzScanContext(f *testing.F) {
	f.Add(reftest.Src(fixtures(f), "cdk.json"))
	f.Add([]byte(`{"a":["arn:aws:lambda:us-east-1:123456789012:layer:x:1","arn:aws:lambda:us-east-1:123456789012:layer:x:\u0031"]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		editEach(t, ref.File{Path: "cdk.context.json", Src: src})
	})
}
