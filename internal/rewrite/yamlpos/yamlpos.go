// Package yamlpos maps yaml.v3 nodes back to the bytes of the file they
// were parsed from. The YAML scanners (CloudFormation/SAM, Serverless) use
// the node tree for structure only: positions are reported in bytes and
// edits are spliced into the original file, never re-marshalled.
package yamlpos

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// File is a YAML file's bytes and line index.
type File struct {
	Path  string
	Src   []byte
	Lines *ref.Lines
	bom   int
}

// New indexes f.
func New(f ref.File) *File {
	p := &File{Path: f.Path, Src: f.Src, Lines: ref.NewLines(f.Path, f.Src)}
	if bytes.HasPrefix(f.Src, []byte("\xEF\xBB\xBF")) {
		p.bom = 3
	}
	return p
}

// Offset returns the byte offset of a yaml.v3 line and column, or -1 when
// that line does not have that column. yaml.v3 counts columns in
// characters, not bytes, and does not count a leading byte order mark.
func (f *File) Offset(line, col int) int {
	off := f.Lines.Offset(line, 1)
	if off < 0 {
		return -1
	}
	if line == 1 {
		off += f.bom
	}
	for c := 1; c < col; c++ {
		if off >= len(f.Src) || f.Src[off] == '\n' || f.Src[off] == '\r' {
			return -1
		}
		_, size := utf8.DecodeRune(f.Src[off:])
		off += size
	}
	return off
}

// NodeOffset returns the byte offset yaml.v3 places n at (its first
// property, a tag or an anchor, when it has one), or -1.
func (f *File) NodeOffset(n *yaml.Node) int { return f.Offset(n.Line, n.Column) }

// Pos is the reported position of a node: exact when it can be located,
// yaml.v3's own line and column with Offset -1 otherwise.
func (f *File) Pos(n *yaml.Node) ref.Pos {
	if off := f.NodeOffset(n); off >= 0 {
		return f.Lines.Pos(off)
	}
	return ref.Pos{File: f.Path, Line: n.Line, Column: n.Column, Offset: -1}
}

// SkipProperties skips a node's tag and anchor (yaml.v3 positions a node
// at its first property) and the blanks and comments after them, and
// returns the offset of the node's value text.
func (f *File) SkipProperties(off int) int {
	src := f.Src
	for off < len(src) {
		switch c := src[off]; {
		case c == '!' || c == '&':
			for off < len(src) && !IsBlank(src[off]) {
				off++
			}
		case IsBlank(c):
			off++
		case c == '#' && off > 0 && IsBlank(src[off-1]):
			for off < len(src) && src[off] != '\n' {
				off++
			}
		default:
			return off
		}
	}
	return off
}

// ExactLines reports whether yaml.v3 and ref.Lines count the same lines
// in src. yaml.v3 also breaks lines at a lone CR, NEL, LS and PS; in a
// file holding one, a node's line names another line of the bytes.
func ExactLines(src []byte) bool {
	return !bytes.Contains(src, []byte("\xC2\x85")) && !bytes.Contains(src, []byte("\xE2\x80\xA8")) &&
		!bytes.Contains(src, []byte("\xE2\x80\xA9")) && !hasLoneCR(src)
}

func hasLoneCR(b []byte) bool {
	for i := bytes.IndexByte(b, '\r'); i >= 0; {
		if i+1 >= len(b) || b[i+1] != '\n' {
			return true
		}
		j := bytes.IndexByte(b[i+1:], '\r')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// IsBlank reports whether c separates words in YAML text.
func IsBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Lookup returns the value of key in mapping m, or nil.
func Lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

var errorLine = regexp.MustCompile(`^yaml: line (\d+): `)

// SplitError splits a yaml.v3 error into the line it names (0 when none)
// and its message without the "yaml: line N: " prefix. yaml.v3 has no
// structured error for syntax errors, only this text.
func SplitError(err error) (int, string) {
	msg := err.Error()
	if m := errorLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return line, msg[len(m[0]):]
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
}

// Documents returns the root node of every document of a YAML file, in
// order, skipping empty documents, or yaml.v3's error (SplitError places
// it).
func Documents(src []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var roots []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return roots, nil
		}
		if err != nil {
			return nil, err
		}
		if len(doc.Content) > 0 {
			roots = append(roots, doc.Content[0])
		}
	}
}
