package yamlpos

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// DoubleQuoted decodes the double-quoted YAML scalar or JSON string whose
// opening quote is src[off], piece by piece: each run of bytes copied as
// is becomes a verbatim piece, each escape and each folded line break a
// synthesized piece located at its first byte. An ARN after an escape is
// then located at its own first byte and its version digits stay an edit
// target, which decoding the whole string at once cannot give.
//
// The decoding follows yaml.v3 (escapes, line folding, escaped line
// breaks) and also JSON's "\/" and UTF-16 surrogate pairs, which yaml.v3
// rejects, so a template that parsed never meets them. Callers compare
// the result with the parser's value and keep their own fallback when
// they differ: the decoder is a map of positions, not a parser.
func DoubleQuoted(lines *ref.Lines, src []byte, off int) (ref.Virtual, bool) {
	if off >= len(src) || src[off] != '"' {
		return nil, false
	}
	var v ref.Virtual
	run := off + 1 // start of the current verbatim run
	flush := func(end int) {
		if end > run {
			v = append(v, ref.Lit(lines, run, string(src[run:end])))
		}
	}
	for i := off + 1; i < len(src); {
		c := src[i]
		switch {
		case c == '"':
			flush(i)
			return v, true
		case c == '\\':
			flush(i)
			text, next, ok := escape(src, i)
			if !ok {
				return nil, false
			}
			if text != "" {
				v = append(v, ref.Synth(text, lines.Pos(i)))
			}
			i, run = next, next
		case isBreak(c) || (c == ' ' || c == '\t') && breakAfterBlanks(src, i):
			flush(i)
			text, next := fold(src, i, false)
			v = append(v, ref.Synth(text, lines.Pos(i)))
			i, run = next, next
		default:
			i++
		}
	}
	return nil, false
}

func isBreak(c byte) bool { return c == '\n' || c == '\r' }

// breakAfterBlanks reports whether the blanks at src[i] end the line:
// YAML drops them when it folds the line break.
func breakAfterBlanks(src []byte, i int) bool {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	return i < len(src) && isBreak(src[i])
}

// fold renders the blanks and line breaks from src[i] up to the next text
// on a later line. A single unescaped break reads as a space, each empty
// line after it as a newline; after an escaped break (escaped) the first
// break reads as nothing.
func fold(src []byte, i int, escaped bool) (string, int) {
	breaks := 0
	for i < len(src) {
		switch c := src[i]; {
		case c == ' ' || c == '\t':
			i++
		case c == '\r' && i+1 < len(src) && src[i+1] == '\n':
			breaks++
			i += 2
		case isBreak(c):
			breaks++
			i++
		default:
			return foldText(breaks, escaped), i
		}
	}
	return foldText(breaks, escaped), i
}

func foldText(breaks int, escaped bool) string {
	switch {
	case breaks > 1:
		return strings.Repeat("\n", breaks-1)
	case escaped:
		return ""
	}
	return " "
}

// simpleEscapes are the one-character escapes of YAML 1.2 plus JSON's "\/".
var simpleEscapes = map[byte]string{
	'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", '\t': "\t", 'n': "\n",
	'v': "\v", 'f': "\f", 'r': "\r", 'e': "\x1b", ' ': " ", '"': "\"",
	'\'': "'", '\\': "\\", '/': "/", 'N': "\u0085", '_': "\u00a0",
	'L': "\u2028", 'P': "\u2029",
}

// escape decodes the escape starting with the backslash at src[i] and
// returns its text and the offset after it.
func escape(src []byte, i int) (string, int, bool) {
	if i+1 >= len(src) {
		return "", 0, false
	}
	c := src[i+1]
	if s, ok := simpleEscapes[c]; ok {
		return s, i + 2, true
	}
	if isBreak(c) {
		// An escaped line break joins the lines without a space.
		text, next := fold(src, i+1, true)
		return text, next, true
	}
	width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
	r, ok := hexAt(src, i+2, width)
	if !ok {
		return "", 0, false
	}
	next := i + 2 + width
	if c == 'u' && utf16.IsSurrogate(r) {
		// JSON spells a rune above U+FFFF as two \u escapes.
		if next+6 <= len(src) && src[next] == '\\' && src[next+1] == 'u' {
			if lo, ok := hexAt(src, next+2, 4); ok {
				if pair := utf16.DecodeRune(r, lo); pair != utf8.RuneError {
					return string(pair), next + 6, true
				}
			}
		}
		r = utf8.RuneError
	}
	return string(r), next, true
}

// hexAt reads n hex digits at src[i] as a rune.
func hexAt(src []byte, i, n int) (rune, bool) {
	if n == 0 || i+n > len(src) {
		return 0, false
	}
	u, err := strconv.ParseUint(string(src[i:i+n]), 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(u), true
}
