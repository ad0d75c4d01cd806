package cloudformation

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// bump splices version+1 over the digits at r.VersionAt, the edit bumpbot
// makes, and returns the new file with the references a rescan must find:
// the ones sharing that literal move to version+1, positions after the
// edit shift, nothing else changes.
func bump(src []byte, refs []ref.Reference, r ref.Reference) ([]byte, []ref.Reference) {
	at, n := r.VersionAt.Offset, r.VersionLen
	repl := strconv.Itoa(*r.Version + 1)
	out := make([]byte, 0, len(src)+len(repl)-n)
	out = append(append(append(out, src[:at]...), repl...), src[at+n:]...)
	lines := ref.NewLines(r.File, out)
	shift := func(p ref.Pos) ref.Pos {
		if p.Offset > at {
			return lines.Pos(p.Offset + len(repl) - n)
		}
		if p.Offset >= 0 {
			return lines.Pos(p.Offset)
		}
		return p
	}
	want := make([]ref.Reference, len(refs))
	for i, x := range refs {
		x.Pos = shift(x.Pos)
		if x.VersionAt != nil {
			p := shift(*x.VersionAt)
			if x.VersionAt.Offset == at {
				v := *x.Version + 1
				x.Version = &v
				x.ARN = x.ARN[:len(x.ARN)-n] + repl
				x.VersionLen = len(repl)
			}
			x.VersionAt = &p
		}
		want[i] = x
	}
	return out, want
}

// checkBumps bumps each version literal of src in turn and rescans.
func checkBumps(t testing.TB, name string, src []byte) {
	t.Helper()
	f := ref.File{Path: name, Src: src}
	format, _ := Detect(src)
	refs, warns := Scan(f, format)
	if len(warns) != 0 {
		t.Fatalf("%s: warnings: %v", name, warns)
	}
	checkVersionBytes(t, src, refs)
	done := map[int]bool{}
	for _, r := range refs {
		if r.VersionAt == nil || done[r.VersionAt.Offset] {
			continue
		}
		done[r.VersionAt.Offset] = true
		out, want := bump(src, refs, r)
		got, warns := Scan(ref.File{Path: name, Src: out}, format)
		if len(warns) != 0 {
			t.Fatalf("%s: bumping %s: warnings: %v", name, summary(r), warns)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: bumping %s (-want +got):\n%s", name, summary(r), diff)
		}
	}
}

func TestBumpRoundtrip(t *testing.T) {
	t.Parallel()
	variants := []struct {
		name string
		edit func([]byte) []byte
	}{
		{"lf", func(b []byte) []byte { return b }},
		{"crlf", func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) }},
		{"bom", func(b []byte) []byte { return append([]byte("\xEF\xBB\xBF"), b...) }},
		{"bom crlf", func(b []byte) []byte {
			return append([]byte("\xEF\xBB\xBF"), bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))...)
		}},
	}
	for name, src := range readTestdata(t) {
		for _, v := range variants {
			t.Run(name+"/"+v.name, func(t *testing.T) {
				t.Parallel()
				src := v.edit(src)
				refs, _ := Scan(ref.File{Path: name, Src: src}, "")
				n := 0
				for _, r := range refs {
					if r.VersionAt != nil {
						n++
					}
				}
				if n == 0 {
					t.Fatal("no editable version in the template")
				}
				checkBumps(t, name, src)
			})
		}
	}
}

// TestBumpNineToTen covers an edit that changes the literal's length,
// which shifts every later position.
func TestBumpNineToTen(t *testing.T) {
	t.Parallel()
	src := "Parameters:\n  V: {Type: Number, Default: 9}\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Layers:\n        - !Sub arn:aws:lambda:${AWS::Region}:464622532012:layer:Datadog-Extension:${V}\n        - !Sub arn:aws:lambda:${AWS::Region}:464622532012:layer:Datadog-Python312:${V}\n        - " + strings.Replace(ddPython, ":98", ":99", 1) + "\n"
	checkBumps(t, "template.yaml", []byte(src))
}
