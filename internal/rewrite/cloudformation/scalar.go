package cloudformation

import (
	"bytes"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// source maps yaml.v3 node positions back to bytes of the original file.
//
// yaml.v3 reports 1-based lines and columns counted in characters, not
// bytes, skips a leading byte order mark, and gives no end position. A
// scalar's value is tied to its source text word by word (a word is a run
// without blanks): every scalar style changes only blanks between words
// (folding, indentation, line breaks), except escapes in double-quoted
// strings and doubled quotes in single-quoted ones. So a value word that
// equals the bytes of the matching source word is a verbatim copy; anything
// else is synthesized, and an edit never targets it.
type source struct {
	path  string
	src   []byte
	lines *ref.Lines
	bom   int
	// exact is false when the file uses line breaks yaml.v3 counts but
	// Lines does not (a lone CR, NEL, LS, PS): positions could then be off,
	// so nothing is claimed verbatim.
	exact bool
}

func newSource(f ref.File) *source {
	s := &source{path: f.Path, src: f.Src, lines: ref.NewLines(f.Path, f.Src), exact: true}
	if bytes.HasPrefix(f.Src, []byte("\xEF\xBB\xBF")) {
		s.bom = 3
	}
	if bytes.Contains(f.Src, []byte("\xC2\x85")) || bytes.Contains(f.Src, []byte("\xE2\x80\xA8")) ||
		bytes.Contains(f.Src, []byte("\xE2\x80\xA9")) || hasLoneCR(f.Src) {
		s.exact = false
	}
	return s
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

// offset returns the byte offset of a yaml.v3 line and column, or -1.
func (s *source) offset(line, col int) int {
	off := s.lines.Offset(line, 1)
	if off < 0 {
		return -1
	}
	if line == 1 {
		off += s.bom
	}
	for c := 1; c < col; c++ {
		if off >= len(s.src) || s.src[off] == '\n' || s.src[off] == '\r' {
			return -1
		}
		_, size := utf8.DecodeRune(s.src[off:])
		off += size
	}
	return off
}

// pos is the reported position of a node: exact when it can be located,
// yaml.v3's own line and column otherwise.
func (s *source) pos(n *yaml.Node) ref.Pos {
	if off := s.offset(n.Line, n.Column); off >= 0 {
		return s.lines.Pos(off)
	}
	return ref.Pos{File: s.path, Line: n.Line, Column: n.Column, Offset: -1}
}

// pieces renders a scalar's value, each word verbatim where the file holds
// exactly those bytes at the matching place.
func (s *source) pieces(n *yaml.Node) ref.Virtual {
	at := s.pos(n)
	whole := ref.Virtual{ref.Synth(n.Value, at)}
	if !s.exact || at.Offset < 0 {
		return whole
	}
	start, end, style, ok := s.span(n, s.skipProperties(at.Offset))
	if !ok {
		return whole
	}
	var out ref.Virtual
	srcAt := start
	aligned := true
	for i := 0; i < len(n.Value); {
		j := i
		for j < len(n.Value) && isBlank(n.Value[j]) {
			j++
		}
		if j > i {
			out = append(out, ref.Synth(n.Value[i:j], at))
			i = j
			continue
		}
		for j < len(n.Value) && !isBlank(n.Value[j]) {
			j++
		}
		word := n.Value[i:j]
		ws, we := nextWord(s.src, srcAt, end)
		srcAt = we
		switch {
		case !aligned || ws == we:
			aligned = false
			out = append(out, ref.Synth(word, at))
		case style == yaml.DoubleQuotedStyle && bytes.IndexByte(s.src[ws:we], '\\') >= 0:
			// An escape may turn blanks into text or text into blanks, so
			// words after it no longer pair up.
			aligned = false
			out = append(out, ref.Synth(word, at))
		case string(s.src[ws:we]) == word,
			style == 0 && we-ws > len(word) && string(s.src[ws:ws+len(word)]) == word:
			// A plain scalar's last word may run into a flow indicator
			// (",", "]", "}") with no blank in between.
			out = append(out, ref.Lit(s.lines, ws, word))
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

// skipProperties skips a node's tag and anchor (yaml.v3 positions a node
// at its first property), and the blanks and comments after them.
func (s *source) skipProperties(off int) int {
	for off < len(s.src) {
		switch c := s.src[off]; {
		case c == '!' || c == '&':
			for off < len(s.src) && !isBlank(s.src[off]) {
				off++
			}
		case isBlank(c):
			off++
		case c == '#' && off > 0 && isBlank(s.src[off-1]):
			for off < len(s.src) && s.src[off] != '\n' {
				off++
			}
		default:
			return off
		}
	}
	return off
}

// span returns the bytes holding a scalar's text: inside the quotes of a
// quoted scalar, after the header line of a block scalar, from the first
// character of a plain one. For block and plain scalars the end is the end
// of the file: words are paired one to one, so the scan stops in time.
func (s *source) span(n *yaml.Node, off int) (start, end int, style yaml.Style, ok bool) {
	if off >= len(s.src) {
		return 0, 0, 0, false
	}
	c := s.src[off]
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		if c != '"' {
			return 0, 0, 0, false
		}
		for i := off + 1; i < len(s.src); i++ {
			switch s.src[i] {
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
		for i := off + 1; i < len(s.src); i++ {
			if s.src[i] == '\'' {
				if i+1 < len(s.src) && s.src[i+1] == '\'' {
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
		i := bytes.IndexByte(s.src[off:], '\n')
		if i < 0 {
			return 0, 0, 0, false
		}
		return off + i + 1, len(s.src), yaml.LiteralStyle, true
	default:
		if c == '"' || c == '\'' || c == '|' || c == '>' {
			return 0, 0, 0, false
		}
		return off, len(s.src), 0, true
	}
	return 0, 0, 0, false
}

// nextWord returns the next run of non-blank bytes in src[from:to].
func nextWord(src []byte, from, to int) (int, int) {
	for from < to && isBlank(src[from]) {
		from++
	}
	end := from
	for end < to && !isBlank(src[end]) {
		end++
	}
	return from, end
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// slice returns bytes [i, j) of the evaluated string v as pieces, keeping
// verbatim pieces verbatim.
func slice(v ref.Virtual, i, j int) ref.Virtual {
	var out ref.Virtual
	for _, p := range v {
		n := len(p.Text)
		lo, hi := max(i, 0), min(j, n)
		if lo < hi {
			q := p
			q.Text = p.Text[lo:hi]
			if p.Verbatim && p.Lines != nil {
				q.At = p.Lines.Pos(p.At.Offset + lo)
			}
			out = append(out, q)
		}
		i -= n
		j -= n
		if j <= 0 {
			break
		}
	}
	return out
}
