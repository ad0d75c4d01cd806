package yamlpos

import (
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// TestNodeOffset parses documents and checks that the value node of key
// "k" is placed at the byte that starts its text as written (properties
// included), whatever the characters and line ends before it.
func TestNodeOffset(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      string // the bytes the node starts with
		value     string // the bytes its value text starts with
	}{
		{name: "plain", src: "a: 1\nk: value\n", want: "value", value: "value"},
		{name: "multibyte before", src: "é→: 1\nk: {x: y}\n", want: "{x: y}", value: "{x: y}"},
		{name: "multibyte on the line", src: "{é: 1, k: 'v'}\n", want: "'v'", value: "'v'"},
		{name: "byte order mark", src: "\xEF\xBB\xBFk: v\n", want: "v", value: "v"},
		{name: "crlf", src: "a: 1\r\nk: v\r\n", want: "v", value: "v"},
		{name: "tag and anchor", src: "k: !!str &x v\n", want: "!!str &x v", value: "v"},
		{name: "comment after the properties", src: "k: !Sub # why\n  v\n", want: "!Sub # why\n  v", value: "v"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n := keyK(t, tc.src)
			f := New(ref.File{Path: "t.yaml", Src: []byte(tc.src)})
			off := f.NodeOffset(n)
			if off < 0 || string(f.Src[off:off+len(tc.want)]) != tc.want {
				t.Fatalf("NodeOffset = %d, want the offset of %q", off, tc.want)
			}
			if p := f.Pos(n); p != f.Lines.Pos(off) {
				t.Errorf("Pos = %+v, want %+v", p, f.Lines.Pos(off))
			}
			if v := f.SkipProperties(off); string(f.Src[v:v+len(tc.value)]) != tc.value {
				t.Errorf("SkipProperties lands on %q, want %q", f.Src[v:], tc.value)
			}
		})
	}
}

func TestOffsetOutsideTheFile(t *testing.T) {
	t.Parallel()
	f := New(ref.File{Path: "t.yaml", Src: []byte("ab\ncd")})
	for _, c := range []struct{ line, col int }{{0, 1}, {3, 1}, {1, 4}, {2, 4}} {
		if off := f.Offset(c.line, c.col); off != -1 {
			t.Errorf("Offset(%d, %d) = %d, want -1", c.line, c.col, off)
		}
	}
	n := &yaml.Node{Line: 9, Column: 2}
	if p := f.Pos(n); p != (ref.Pos{File: "t.yaml", Line: 9, Column: 2, Offset: -1}) {
		t.Errorf("Pos of an unplaceable node = %+v", p)
	}
}

func TestExactLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      bool
	}{
		{"lf", "a: 1\nb: 2\n", true},
		{"crlf", "a: 1\r\nb: 2\r\n", true},
		{"lone cr", "a: 1\rb: 2\n", false},
		{"cr at the end", "a: 1\r", false},
		{"nel", "a: \xC2\x85\n", false},
		{"line separator", "a: \xE2\x80\xA8\n", false},
		{"paragraph separator", "a: \xE2\x80\xA9\n", false},
	}
	for _, tc := range tests {
		if got := ExactLines([]byte(tc.src)); got != tc.want {
			t.Errorf("%s: ExactLines = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSplitError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		line      int
		msg       string
	}{
		{name: "with a line", src: "a: [\nb: 1\n", line: 2, msg: "did not find expected ',' or ']'"},
		{name: "tab indentation", src: "a:\n\tb: 1\n", line: 2, msg: "found character that cannot start any token"},
		{name: "without a line", src: "a: *nope\n", msg: "unknown anchor 'nope' referenced"},
	}
	for _, tc := range tests {
		var doc yaml.Node
		err := yaml.Unmarshal([]byte(tc.src), &doc)
		if err == nil {
			t.Fatalf("%s: no error", tc.name)
		}
		if line, msg := SplitError(err); line != tc.line || msg != tc.msg {
			t.Errorf("%s: SplitError(%q) = %d, %q; want %d, %q", tc.name, err, line, msg, tc.line, tc.msg)
		}
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("a: 1\nb: [x]\n"), &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	if n := Lookup(root, "a"); n == nil || n.Value != "1" {
		t.Errorf("Lookup a = %v", n)
	}
	if n := Lookup(root, "c"); n != nil {
		t.Errorf("Lookup of a missing key = %v", n)
	}
	if n := Lookup(Lookup(root, "b"), "x"); n != nil {
		t.Errorf("Lookup in a sequence = %v", n)
	}
	if n := Lookup(nil, "a"); n != nil {
		t.Errorf("Lookup in nil = %v", n)
	}
}
