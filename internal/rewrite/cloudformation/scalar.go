package cloudformation

import (
	"bytes"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/yamlpos"
)

// source ties the scalars of a template to the bytes of the file.
//
// yamlpos places a node's start; yaml.v3 gives no end position. A
// scalar's value is tied to its source text word by word (a word is a run
// without blanks): every scalar style changes only blanks between words
// (folding, indentation, line breaks), except escapes in double-quoted
// strings and doubled quotes in single-quoted ones. So a value word that
// equals the bytes of the matching source word is a verbatim copy; anything
// else is synthesized, and an edit never targets it.
type source struct {
	*yamlpos.File
	// exact is false when the file uses line breaks yaml.v3 counts but
	// Lines does not (a lone CR, NEL, LS, PS): positions could then be off,
	// so nothing is claimed verbatim.
	exact bool
}

func newSource(f ref.File) *source {
	return &source{File: yamlpos.New(f), exact: yamlpos.ExactLines(f.Src)}
}

// pieces renders a scalar's value, each word verbatim where the file holds
// exactly those bytes at the matching place.
func (s *source) pieces(n *yaml.Node) ref.Virtual {
	at := s.Pos(n)
	whole := ref.Virtual{ref.Synth(n.Value, at)}
	if !s.exact || at.Offset < 0 {
		return whole
	}
	off := s.SkipProperties(at.Offset)
	if n.Style&yaml.DoubleQuotedStyle != 0 {
		// Escapes and folds are decoded piece by piece, so text after
		// them keeps its place in the file.
		if v, ok := yamlpos.DoubleQuoted(s.Lines, s.Src, off); ok && v.String() == n.Value {
			return v
		}
	}
	start, end, style, ok := s.span(n, off)
	if !ok {
		return whole
	}
	var out ref.Virtual
	srcAt := start
	aligned := true
	for i := 0; i < len(n.Value); {
		j := i
		for j < len(n.Value) && yamlpos.IsBlank(n.Value[j]) {
			j++
		}
		if j > i {
			out = append(out, ref.Synth(n.Value[i:j], at))
			i = j
			continue
		}
		for j < len(n.Value) && !yamlpos.IsBlank(n.Value[j]) {
			j++
		}
		word := n.Value[i:j]
		ws, we := nextWord(s.Src, srcAt, end)
		srcAt = we
		switch {
		case !aligned || ws == we:
			aligned = false
			out = append(out, ref.Synth(word, at))
		case style == yaml.DoubleQuotedStyle && bytes.IndexByte(s.Src[ws:we], '\\') >= 0:
			// An escape may turn blanks into text or text into blanks, so
			// words after it no longer pair up.
			aligned = false
			out = append(out, ref.Synth(word, at))
		case string(s.Src[ws:we]) == word,
			style == 0 && we-ws > len(word) && string(s.Src[ws:ws+len(word)]) == word:
			// A plain scalar's last word may run into a flow indicator
			// (",", "]", "}") with no blank in between.
			out = append(out, ref.Lit(s.Lines, ws, word))
		default:
			// A doubled quote ('') changes a word but no blank, so the
			// words after it still pair up; in other styles a mismatch
			// means the pairing is lost.
			aligned = style == yaml.SingleQuotedStyle
			out = append(out, ref.Synth(word, at))
		}
		i = j
	}
	if len(out) == 0 {
		return whole
	}
	return out
}

// span returns the bytes holding a scalar's text: inside the quotes of a
// quoted scalar, after the header line of a block scalar, from the first
// character of a plain one. For block and plain scalars the end is the end
// of the file: words are paired one to one, so the scan stops in time.
func (s *source) span(n *yaml.Node, off int) (start, end int, style yaml.Style, ok bool) {
	if off >= len(s.Src) {
		return 0, 0, 0, false
	}
	c := s.Src[off]
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		if c != '"' {
			return 0, 0, 0, false
		}
		for i := off + 1; i < len(s.Src); i++ {
			switch s.Src[i] {
			case '\\':
				i++
			case '"':
				return off + 1, i, yaml.DoubleQuotedStyle, true
			}
		}
	case n.Style&yaml.SingleQuotedStyle != 0:
		if c != '\'' {
			return 0, 0, 0, false
		}
		for i := off + 1; i < len(s.Src); i++ {
			if s.Src[i] == '\'' {
				if i+1 < len(s.Src) && s.Src[i+1] == '\'' {
					i++
					continue
				}
				return off + 1, i, yaml.SingleQuotedStyle, true
			}
		}
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		if c != '|' && c != '>' {
			return 0, 0, 0, false
		}
		i := bytes.IndexByte(s.Src[off:], '\n')
		if i < 0 {
			return 0, 0, 0, false
		}
		return off + i + 1, len(s.Src), yaml.LiteralStyle, true
	default:
		if c == '"' || c == '\'' || c == '|' || c == '>' {
			return 0, 0, 0, false
		}
		return off, len(s.Src), 0, true
	}
	return 0, 0, 0, false
}

// nextWord returns the next run of non-blank bytes in src[from:to].
func nextWord(src []byte, from, to int) (int, int) {
	for from < to && yamlpos.IsBlank(src[from]) {
		from++
	}
	end := from
	for end < to && !yamlpos.IsBlank(src[end]) {
		end++
	}
	return from, end
}
