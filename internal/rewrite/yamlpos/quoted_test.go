package yamlpos

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// keyK parses a YAML document and returns the value node of its key "k".
func keyK(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	n := Lookup(doc.Content[0], "k")
	if n == nil {
		t.Fatal("no key k")
	}
	return n
}

// pieceSummaries renders pieces as "L3:text" (verbatim, file offset) or
// "S3:text" (synthesized, located at offset).
func pieceSummaries(v ref.Virtual) []string {
	var out []string
	for _, p := range v {
		kind := "S"
		if p.Verbatim {
			kind = "L"
		}
		out = append(out, fmt.Sprintf("%s%d:%q", kind, p.At.Offset, p.Text))
	}
	return out
}

// TestDoubleQuotedYAML decodes the value of key "k" (its quote at offset
// 3) and checks the pieces, and that they spell what yaml.v3 decodes.
func TestDoubleQuotedYAML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      []string
	}{
		{name: "no escape", src: `k: "a b"`, want: []string{`L4:"a b"`}},
		{name: "empty", src: `k: ""`},
		{name: "escaped quote and backslash", src: `k: "\"\\ arn"`, want: []string{`S4:"\""`, `S6:"\\"`, `L8:" arn"`}},
		{name: "unicode escapes", src: `k: "a\u002db\x2dc\U0000002d"`, want: []string{`L4:"a"`, `S5:"-"`, `L11:"b"`, `S12:"-"`, `L16:"c"`, `S17:"-"`}},
		{name: "named escapes", src: `k: "\t\_\N\e\0x"`, want: []string{`S4:"\t"`, `S6:"\u00a0"`, `S8:"\u0085"`, `S10:"\x1b"`, `S12:"\x00"`, `L14:"x"`}},
		{name: "folded line break", src: "k: \"one  \n    two\"", want: []string{`L4:"one"`, `S7:" "`, `L14:"two"`}},
		{name: "empty lines keep newlines", src: "k: \"one\n\n \n  two\"", want: []string{`L4:"one"`, `S7:"\n\n"`, `L13:"two"`}},
		{name: "escaped line break", src: "k: \"one \\\n   two\"", want: []string{`L4:"one "`, `L13:"two"`}},
		{name: "escaped line break then empty line", src: "k: \"one\\\r\n\r\n  two\"", want: []string{`L4:"one"`, `S7:"\n"`, `L14:"two"`}},
		{name: "crlf fold", src: "k: \"one\r\n  two\"", want: []string{`L4:"one"`, `S7:" "`, `L11:"two"`}},
		{name: "escaped blank at a line end", src: "k: \"one\\ \n two\"", want: []string{`L4:"one"`, `S7:" "`, `S9:" "`, `L11:"two"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n := keyK(t, tc.src)
			src := []byte(tc.src)
			v, ok := DoubleQuoted(ref.NewLines("t.yaml", src), src, 3)
			if !ok {
				t.Fatal("not decoded")
			}
			if diff := cmp.Diff(tc.want, pieceSummaries(v)); diff != "" {
				t.Errorf("pieces (-want +got):\n%s", diff)
			}
			if v.String() != n.Value {
				t.Errorf("decoded %q, yaml.v3 decodes %q", v.String(), n.Value)
			}
		})
	}
}

// TestDoubleQuotedJSON checks the JSON-only spellings (surrogate pairs,
// "\/") against encoding/json, and that malformed strings are refused.
func TestDoubleQuotedJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      []string // nil: refused
	}{
		{name: "surrogate pair", src: `"a\ud83d\ude00b"`, want: []string{`L1:"a"`, `S2:"😀"`, `L14:"b"`}},
		{name: "lone surrogate", src: `"\ud83dx"`, want: []string{"S1:\"\uFFFD\"", `L7:"x"`}},
		{name: "solidus", src: `"a\/b"`, want: []string{`L1:"a"`, `S2:"/"`, `L4:"b"`}},
		{name: "unterminated", src: `"abc`},
		{name: "short unicode escape", src: `"\u12"`},
		{name: "unknown escape", src: `"\q"`},
		{name: "backslash at the end", src: `"\`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := []byte(tc.src)
			v, ok := DoubleQuoted(ref.NewLines("t.json", src), src, 0)
			if ok != (tc.want != nil) {
				t.Fatalf("decoded %v, want %v", ok, tc.want != nil)
			}
			if !ok {
				return
			}
			if diff := cmp.Diff(tc.want, pieceSummaries(v)); diff != "" {
				t.Errorf("pieces (-want +got):\n%s", diff)
			}
			var want string
			if err := json.Unmarshal(src, &want); err != nil {
				t.Fatal(err)
			}
			if v.String() != want {
				t.Errorf("decoded %q, encoding/json decodes %q", v.String(), want)
			}
		})
	}
}

// FuzzDoubleQuoted checks that whatever the input the decoder does not
// panic, that every verbatim piece is the file's bytes, and that where
// yaml.v3 accepts the scalar the decoded text is yaml.v3's.
func FuzzDoubleQuoted(f *testing.F) {
	for _, s := range []string{`"a\"b"`, "\"one\n\n  two\"", "\"a\\\n b\"", `"\ud83d\ude00"`, `"\x41\U00000042"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		src := append([]byte("k: "), body...)
		v, ok := DoubleQuoted(ref.NewLines("t.yaml", src), src, 3)
		if !ok {
			return
		}
		for _, p := range v {
			if p.Verbatim && string(src[p.At.Offset:p.At.Offset+len(p.Text)]) != p.Text {
				t.Fatalf("verbatim piece %q is not the bytes at %d", p.Text, p.At.Offset)
			}
		}
		var doc yaml.Node
		if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 {
			return
		}
		n := Lookup(doc.Content[0], "k")
		if n == nil || n.Style != yaml.DoubleQuotedStyle {
			return
		}
		if v.String() != n.Value {
			t.Fatalf("decoded %q, yaml.v3 decodes %q", v.String(), n.Value)
		}
	})
}
