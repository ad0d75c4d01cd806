package serverless

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// bumpEach splices version+1 at the VersionAt of each reference in turn,
// rescans, and asserts that exactly the references sharing that position
// changed version while everything else scans the same, and that the bytes
// outside the splice are untouched. It returns how many edits it checked.
func bumpEach(t *testing.T, scan func(ref.File) ([]ref.Reference, []ref.Warning), f ref.File) int {
	t.Helper()
	before, _ := scan(f)
	edits := 0
	for _, r := range before {
		if r.VersionAt == nil {
			continue
		}
		checkVersionAt(t, f.Src, r)
		at, n, next := r.VersionAt.Offset, r.VersionLen, strconv.Itoa(*r.Version+1)
		if len(next) > 9 {
			continue // the matcher reads at most nine digits
		}
		out := append(append(append([]byte(nil), f.Src[:at]...), next...), f.Src[at+n:]...)
		if !bytes.Equal(out[:at], f.Src[:at]) || !bytes.Equal(out[at+len(next):], f.Src[at+n:]) {
			t.Fatalf("splice at %s changed bytes outside the version", r.VersionAt)
		}
		after, warns := scan(ref.File{Path: f.Path, Src: out})
		if len(warns) > 0 {
			t.Fatalf("after bump at %s: warnings %v\n%s", r.VersionAt, warns, out)
		}
		if len(after) != len(before) {
			t.Fatalf("after bump at %s: %d references, want %d\n%s", r.VersionAt, len(after), len(before), out)
		}
		for i, a := range after {
			b := before[i]
			want := b.Version
			if b.VersionAt != nil && b.VersionAt.Offset == at {
				v := *b.Version + 1
				want = &v
			}
			if (a.Version == nil) != (want == nil) || (want != nil && *a.Version != *want) || a.Layer != b.Layer || a.Context != b.Context {
				t.Fatalf("after bump at %s: reference %d is %s %s v%v, want %s %s v%v", r.VersionAt, i, a.Layer, a.Context, intOrNil(a.Version), b.Layer, b.Context, intOrNil(want))
			}
			if a.VersionAt != nil {
				checkVersionAt(t, out, a)
			}
		}
		edits++
	}
	return edits
}

func intOrNil(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
