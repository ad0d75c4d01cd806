package yamlpos

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// Scalars ties the scalar values of one parsed YAML file to its bytes:
// its line index and the start offsets of every node, which bound the raw
// text of a scalar. Index every document's root, then Sort, then ask for
// Pieces.
type Scalars struct {
	*File
	starts []int // sorted start offsets of all nodes
	pieces map[*yaml.Node]ref.Virtual
}

// NewScalars indexes f's lines; its nodes are indexed by Index.
func NewScalars(f ref.File) *Scalars {
	return &Scalars{File: New(f), pieces: map[*yaml.Node]ref.Virtual{}}
}

// Index records the start offset of n and its descendants.
func (s *Scalars) Index(n *yaml.Node) {
	if n == nil {
		return
	}
	if n.Kind != yaml.DocumentNode {
		s.starts = append(s.starts, s.nodeOffset(n))
	}
	for _, c := range n.Content {
		s.Index(c)
	}
}

// Sort readies the index once every document is indexed.
func (s *Scalars) Sort() { sort.Ints(s.starts) }

// nodeOffset is where a node starts, or the end of the file when its
// position cannot be placed in the bytes.
func (s *Scalars) nodeOffset(n *yaml.Node) int {
	if off := s.NodeOffset(n); off >= 0 {
		return off
	}
	return len(s.Src)
}

// regionEnd is where the raw text of the node starting at off ends at the
// latest: the start of the next node, or the end of the file.
func (s *Scalars) regionEnd(off int) int {
	i := sort.SearchInts(s.starts, off+1)
	if i < len(s.starts) {
		return s.starts[i]
	}
	return len(s.Src)
}

// valueStart skips the tag and anchor written before a node's value (and
// a comment after them) and the opening quote of a quoted scalar; it
// returns the offset of the first byte of the value text and whether that
// text is where the style says.
func (s *Scalars) valueStart(n *yaml.Node) (int, bool) {
	off := s.SkipProperties(s.nodeOffset(n))
	if off >= len(s.Src) {
		return off, n.Value == ""
	}
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		return off + 1, s.Src[off] == '"'
	case n.Style&yaml.SingleQuotedStyle != 0:
		return off + 1, s.Src[off] == '\''
	}
	return off, true
}

// Pieces maps the value of a scalar back to the file. A value whose
// bytes are the file's bytes is one verbatim piece; a multi-line or block
// value is located word by word in its raw text, with only whitespace
// allowed between words; anything else (escapes) is synthesized, so no
// edit can target it.
func (s *Scalars) Pieces(n *yaml.Node) ref.Virtual {
	if v, ok := s.pieces[n]; ok {
		return v
	}
	v := s.mapScalar(n)
	s.pieces[n] = v
	return v
}

func (s *Scalars) mapScalar(n *yaml.Node) ref.Virtual {
	start, ok := s.valueStart(n)
	synth := ref.Virtual{ref.Synth(n.Value, s.Lines.Pos(min(start, len(s.Src))))}
	if !ok {
		return synth
	}
	val := n.Value
	if n.Style&yaml.DoubleQuotedStyle != 0 {
		// Escapes and folds are decoded piece by piece, so text after
		// them keeps its place in the file.
		if v, ok := DoubleQuoted(s.Lines, s.Src, start-1); ok && v.String() == val {
			return v
		}
	}
	if end := start + len(val); end <= len(s.Src) && string(s.Src[start:end]) == val && !strings.ContainsAny(val, "\r\n") && !escaped(n, val) {
		return ref.Virtual{ref.Lit(s.Lines, start, val)}
	}
	if n.Style&yaml.DoubleQuotedStyle != 0 && strings.IndexByte(string(s.Src[start:s.regionEnd(start)]), '\\') >= 0 {
		return synth
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		// The value begins on the line after the block header.
		for start < len(s.Src) && s.Src[start] != '\n' {
			start++
		}
	}
	if v, ok := s.locateWords(val, start, s.regionEnd(start)); ok {
		return v
	}
	return synth
}

// escaped reports whether a quoted value's raw text may hold an escape,
// in which case equal bytes do not prove a one-to-one mapping.
func escaped(n *yaml.Node, val string) bool {
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		return strings.IndexByte(val, '\\') >= 0
	case n.Style&yaml.SingleQuotedStyle != 0:
		return strings.IndexByte(val, '\'') >= 0
	}
	return false
}

// locateWords finds each whitespace-separated word of val, in order, in
// src[from:to], allowing only whitespace between consecutive words. Words
// become verbatim pieces, the whitespace between them synthesized (folding
// and indentation make it differ from the file).
func (s *Scalars) locateWords(val string, from, to int) (ref.Virtual, bool) {
	var v ref.Virtual
	cur := from
	for i := 0; i < len(val); {
		j := i
		for j < len(val) && IsBlank(val[j]) {
			j++
		}
		if j > i {
			v = append(v, ref.Synth(val[i:j], s.Lines.Pos(cur)))
			i = j
			continue
		}
		for j < len(val) && !IsBlank(val[j]) {
			j++
		}
		word := val[i:j]
		for cur < to && IsBlank(s.Src[cur]) {
			cur++
		}
		if cur+len(word) > to || string(s.Src[cur:cur+len(word)]) != word {
			return nil, false
		}
		v = append(v, ref.Lit(s.Lines, cur, word))
		cur += len(word)
		i = j
	}
	return v, true
}

// Span is where the value text of n starts in the file and where its raw
// text ends at the latest (the next node's start): an ARN found at an
// offset inside it is written in n itself.
func (s *Scalars) Span(n *yaml.Node) (start, end int) {
	start, _ = s.valueStart(n)
	return start, s.regionEnd(start)
}

// Load decodes every document of f (Documents) and ties their scalars to
// its bytes. A file that does not parse is a problem of kind parse at the
// line yaml.v3 names.
func Load(f ref.File) (*Scalars, []*yaml.Node, []problem.Problem) {
	docs, err := Documents(f.Src)
	if err != nil {
		line, _ := SplitError(err)
		return nil, nil, []problem.Problem{{File: f.Path, Line: line, Message: fmt.Sprintf("parse YAML: %v", err), Kind: problem.Parse}}
	}
	s := NewScalars(f)
	for _, root := range docs {
		s.Index(root)
	}
	s.Sort()
	return s, docs, nil
}

// Recover, deferred by a scanner, turns a panic into a parse problem of
// file and no references: yaml.v3 has panicked on hostile input before,
// and a scanner must not.
func Recover(file string, refs *[]ref.Reference, warns *[]problem.Problem) {
	if p := recover(); p != nil {
		*refs = nil
		*warns = []problem.Problem{{File: file, Message: fmt.Sprintf("parse YAML: %v", p), Kind: problem.Parse}}
	}
}
