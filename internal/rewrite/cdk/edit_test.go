package cdk

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

type scanFunc func(ref.File) ([]ref.Reference, []ref.Warning)

// scannerFor picks the scanner the way the caller dispatches files.
func scannerFor(name string) scanFunc {
	if base := filepath.Base(name); base == "cdk.json" || base == "cdk.context.json" {
		return ScanContext
	}
	return ScanSource
}

// bumpOne splices version+1 at r's VersionAt and returns the new bytes,
// or nil when the new number would be too long for the matcher.
func bumpOne(src []byte, r ref.Reference) []byte {
	next := strconv.Itoa(*r.Version + 1)
	if len(next) > 9 {
		return nil
	}
	at := r.VersionAt.Offset
	var out bytes.Buffer
	out.Write(src[:at])
	out.WriteString(next)
	out.Write(src[at+r.VersionLen:])
	return out.Bytes()
}

// assertBumped checks a rescan after an edit at offset at: the same
// references in the same order, those edited at at one version higher,
// the others as before.
func assertBumped(t *testing.T, before, after []ref.Reference, at int) {
	t.Helper()
	if len(after) != len(before) {
		t.Fatalf("edit at %d: %d references, want %d", at, len(after), len(before))
	}
	for i, b := range before {
		a := after[i]
		wantV := -1
		if b.Version != nil {
			wantV = *b.Version
			if b.VersionAt != nil && b.VersionAt.Offset == at {
				wantV++
			}
		}
		gotV := -1
		if a.Version != nil {
			gotV = *a.Version
		}
		if gotV != wantV || a.Layer != b.Layer || a.Context != b.Context || a.Format != b.Format {
			t.Fatalf("edit at %d: reference %d is %s v%d %q, want %s v%d %q", at, i, a.Layer, gotV, a.Context, b.Layer, wantV, b.Context)
		}
	}
}

// editEach applies every possible edit of f in turn and checks each.
func editEach(t *testing.T, f ref.File) int {
	t.Helper()
	scan := scannerFor(f.Path)
	before, _ := scan(f)
	edits := 0
	for _, r := range before {
		if r.VersionAt == nil {
			continue
		}
		checkVersionAt(t, f.Src, r)
		out := bumpOne(f.Src, r)
		if out == nil {
			continue
		}
		at, end := r.VersionAt.Offset, r.VersionAt.Offset+r.VersionLen
		if !bytes.Equal(out[:at], f.Src[:at]) || !bytes.Equal(out[len(out)-(len(f.Src)-end):], f.Src[end:]) {
			t.Fatalf("edit at %s touched other bytes", r.VersionAt)
		}
		after, warns := scan(ref.File{Path: f.Path, Src: out})
		if len(warns) > 0 {
			t.Fatalf("edit at %s: %v", r.VersionAt, warns)
		}
		assertBumped(t, before, after, at)
		for _, a := range after {
			if a.VersionAt != nil {
				checkVersionAt(t, out, a)
			}
		}
		edits++
	}
	return edits
}

func fixtures(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			continue // testdata/fuzz holds the fuzzer's corpus
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	return out
}

func TestEditRoundtrip(t *testing.T) {
	t.Parallel()
	for name, src := range fixtures(t) {
		for _, crlf := range []bool{false, true} {
			t.Run(name+"/crlf="+strconv.FormatBool(crlf), func(t *testing.T) {
				t.Parallel()
				src := src
				if crlf {
					src = bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))
				}
				refs, warns := scannerFor(name)(ref.File{Path: name, Src: src})
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
	for name, src := range fixtures(f) {
		for i, n := range fuzzNames {
			if filepath.Ext(n) == filepath.Ext(name) {
				f.Add(uint8(i), src)
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
	f.Add(fixtures(f)["cdk.json"])
	f.Add([]byte(`{"a":["arn:aws:lambda:us-east-1:123456789012:layer:x:1","arn:aws:lambda:us-east-1:123456789012:layer:x:\u0031"]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		editEach(t, ref.File{Path: "cdk.context.json", Src: src})
	})
}
