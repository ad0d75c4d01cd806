package terraform

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"golang.org/x/tools/txtar"
)

// splice returns files with the version literal at at (n bytes) replaced
// by to.
func splice(files []ref.File, at ref.Pos, n, to int) []ref.File {
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

// shifted is p after an edit at at that changed the length by delta.
func shifted(p ref.Pos, at ref.Pos, delta int) ref.Pos {
	if p.File != at.File || p.Offset <= at.Offset {
		return p
	}
	p.Offset += delta
	if p.Line == at.Line {
		p.Column += delta
	}
	return p
}

// expectBumped is old after its version literal at at moved to "to":
// references built on that literal carry the new version, the others are
// unchanged, and positions after the edit move by the length difference.
func expectBumped(old []ref.Reference, at ref.Pos, from, to int) []ref.Reference {
	delta := len(strconv.Itoa(to)) - len(strconv.Itoa(from))
	want := make([]ref.Reference, 0, len(old))
	for _, r := range old {
		targeted := r.VersionAt != nil && *r.VersionAt == at
		r.Pos = shifted(r.Pos, at, delta)
		if r.VersionAt != nil {
			p := shifted(*r.VersionAt, at, delta)
			r.VersionAt = &p
		}
		if targeted {
			v := to
			r.Version = &v
			r.VersionLen = len(strconv.Itoa(to))
			r.ARN = strings.TrimSuffix(r.ARN, strconv.Itoa(from)) + strconv.Itoa(to)
		}
		want = append(want, r)
	}
	return want
}

func sameRefs(t *testing.T, what string, got, want []ref.Reference) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d references, want %d\n got: %v\nwant: %v", what, len(got), len(want), got, want)
	}
	for i := range want {
		if describe(got[i]) != describe(want[i]) || got[i].VersionLen != want[i].VersionLen {
			t.Errorf("%s: reference %d\n got %s\nwant %s", what, i, describe(got[i]), describe(want[i]))
		}
	}
}

// TestEditRoundtrip bumps each located version of every scan case by one
// and scans again: the same references come back with only that version
// changed, and no byte but the digits differs.
func TestEditRoundtrip(t *testing.T) {
	t.Parallel()
	for _, tc := range scanCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files := parseArchive(tc.archive)
			refs, _ := ScanModule(files)
			for _, r := range refs {
				if r.VersionAt == nil {
					continue
				}
				to := *r.Version + 1
				edited := splice(files, *r.VersionAt, r.VersionLen, to)
				checkOtherBytes(t, files, edited, *r.VersionAt, r.VersionLen, to)
				got, warns := ScanModule(edited)
				if len(warns) > 0 {
					t.Fatalf("edited module: %v", warns)
				}
				sameRefs(t, fmt.Sprintf("after %s -> %d", r.VersionAt, to), got, expectBumped(refs, *r.VersionAt, *r.Version, to))
			}
		})
	}
}

func checkOtherBytes(t *testing.T, before, after []ref.File, at ref.Pos, n, to int) {
	t.Helper()
	for i, f := range before {
		g := after[i].Src
		if f.Path != at.File {
			if string(g) != string(f.Src) {
				t.Errorf("%s changed", f.Path)
			}
			continue
		}
		m := len(strconv.Itoa(to))
		if string(g[:at.Offset]) != string(f.Src[:at.Offset]) || string(g[at.Offset+m:]) != string(f.Src[at.Offset+n:]) {
			t.Errorf("%s: bytes outside the version changed", f.Path)
		}
	}
}

// FuzzScanModule scans arbitrary modules (a txtar archive of files, or
// one main.tf): no panic; every version_at holds exactly the decimal
// version; rewriting it (same length, so nothing else moves) rescans to
// the same references with only that version changed.
func FuzzScanModule(f *testing.F) {
	for _, tc := range scanCases {
		f.Add(tc.archive)
	}
	f.Add(`locals { a = "arn:aws:lambda:us-east-1:123456789012:layer:x:${local.a}" }`)
	f.Add(`{"locals": {"v": 3, "a": "arn:aws:lambda:us-east-1:123456789012:layer:x:${local.v}"}}`)
	f.Fuzz(func(t *testing.T, archive string) {
		files := parseArchive(archive)
		if len(txtar.Parse([]byte(archive)).Files) == 0 {
			files = []ref.File{{Path: "main.tf", Src: []byte(archive)}}
		}
		refs, _ := ScanModule(files)
		for _, r := range refs {
			if r.VersionAt == nil {
				continue
			}
			src := fileSrc(files, r.VersionAt.File)
			at := r.VersionAt.Offset
			if at+r.VersionLen > len(src) || string(src[at:at+r.VersionLen]) != strconv.Itoa(*r.Version) {
				t.Fatalf("%s: version_at %s does not hold %d", describe(r), r.VersionAt, *r.Version)
			}
			to := sameLength(*r.Version)
			got, _ := ScanModule(splice(files, *r.VersionAt, r.VersionLen, to))
			sameRefs(t, fmt.Sprintf("after %s -> %d", r.VersionAt, to), got, expectBumped(refs, *r.VersionAt, *r.Version, to))
		}
	})
}

// sameLength returns a different version with as many digits as v.
func sameLength(v int) int {
	if v%10 == 9 {
		return v - 1
	}
	return v + 1
}

func fileSrc(files []ref.File, name string) []byte {
	for _, f := range files {
		if f.Path == name {
			return f.Src
		}
	}
	return nil
}
