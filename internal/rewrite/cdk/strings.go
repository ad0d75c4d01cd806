package cdk

import (
	"bytes"
	"strings"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// strSpec describes one kind of string literal.
type strSpec struct {
	close     string // closing delimiter
	escapes   bool   // backslash escapes are decoded
	keepSlash bool   // raw string: a backslash keeps the next byte from closing, both stay
	multiline bool   // may span lines; otherwise a line end terminates it
	interp    byte   // '$' for ${expr}, '{' for {expr} with {{ and }} escapes, 0 for none
	doubled   bool   // the closing quote written twice stands for itself (C# @"")
	char      bool   // a character literal: skipped, never scanned
}

var (
	specSingle   = strSpec{close: "'", escapes: true}
	specDouble   = strSpec{close: `"`, escapes: true}
	specTemplate = strSpec{close: "`", escapes: true, multiline: true, interp: '$'}
	specGoRaw    = strSpec{close: "`", multiline: true}
	specChar     = strSpec{close: "'", escapes: true, char: true}
	specJavaText = strSpec{close: `"""`, escapes: true, multiline: true}
	specKtString = strSpec{close: `"`, escapes: true, interp: '$'}
	specKtRaw    = strSpec{close: `"""`, multiline: true, interp: '$'}
)

// stringAt reports whether a string literal opens at src[i], with its
// spec and the offset of its first content byte.
func (l *lexer) stringAt(i int) (strSpec, int, bool) {
	src := l.src
	c := src[i]
	switch l.fam {
	case famJS:
		switch c {
		case '\'':
			return specSingle, i + 1, true
		case '"':
			return specDouble, i + 1, true
		case '`':
			return specTemplate, i + 1, true
		}
	case famPython:
		return pythonString(src, i)
	case famJava, famKotlin:
		switch {
		case bytes.HasPrefix(src[i:], []byte(`"""`)):
			if l.fam == famKotlin {
				return specKtRaw, i + 3, true
			}
			return specJavaText, i + 3, true
		case c == '"' && l.fam == famKotlin:
			return specKtString, i + 1, true
		case c == '"':
			return specDouble, i + 1, true
		case c == '\'':
			return specChar, i + 1, true
		}
	case famCSharp:
		return csharpString(src, i)
	case famGo:
		switch c {
		case '"':
			return specDouble, i + 1, true
		case '`':
			return specGoRaw, i + 1, true
		case '\'':
			return specChar, i + 1, true
		}
	}
	return strSpec{}, 0, false
}

// pythonString recognizes '…', "…", triple-quoted strings and their
// prefixes (r, b, u, f and combinations such as rb or Rf).
func pythonString(src []byte, i int) (strSpec, int, bool) {
	j := i
	for j < len(src) && j-i < 2 && strings.IndexByte("rRbBuUfF", src[j]) >= 0 {
		j++
	}
	if j >= len(src) || (src[j] != '\'' && src[j] != '"') {
		return strSpec{}, 0, false
	}
	prefix := strings.ToLower(string(src[i:j]))
	sp := strSpec{close: string(src[j]), escapes: true}
	if strings.Contains(prefix, "r") {
		sp.escapes, sp.keepSlash = false, true
	}
	if strings.Contains(prefix, "f") {
		sp.interp = '{'
	}
	if triple := strings.Repeat(sp.close, 3); bytes.HasPrefix(src[j:], []byte(triple)) {
		sp.close, sp.multiline = triple, true
		return sp, j + 3, true
	}
	return sp, j + 1, true
}

// csharpString recognizes "…", @"…" (verbatim), $"…" and $@"…"
// (interpolated), raw """…""" literals with any number of $, and chars.
func csharpString(src []byte, i int) (strSpec, int, bool) {
	j := i
	dollars, verbatim := 0, false
	for j < len(src) && j-i < 8 && (src[j] == '$' || src[j] == '@') {
		if src[j] == '$' {
			dollars++
		} else {
			verbatim = true
		}
		j++
	}
	if j >= len(src) {
		return strSpec{}, 0, false
	}
	if src[j] == '\'' && j == i {
		return specChar, i + 1, true
	}
	if src[j] != '"' {
		return strSpec{}, 0, false
	}
	sp := strSpec{close: `"`, escapes: !verbatim, multiline: verbatim, doubled: verbatim}
	if dollars > 0 {
		sp.interp = '{'
	}
	if q := quoteRun(src, j); q >= 3 {
		// A raw literal: no escapes, closed by as many quotes as opened it.
		return strSpec{close: strings.Repeat(`"`, q), multiline: true, interp: sp.interp}, j + q, true
	}
	return sp, j + 1, true
}

func quoteRun(src []byte, j int) int {
	n := 0
	for j+n < len(src) && src[j+n] == '"' {
		n++
	}
	return n
}

// readString reads a literal's content from i to its closing delimiter
// and returns the offset past it. With out set it also appends the pieces
// of the content: runs of file bytes as verbatim pieces, escapes decoded
// and interpolations rendered as placeholders, both synthesized so that
// no edit can land inside them.
func (l *lexer) readString(i int, sp strSpec, out *ref.Virtual) int {
	src := l.src
	lit := i
	flush := func(j int) {
		if out != nil && j > lit {
			*out = append(*out, ref.Lit(l.lines, lit, string(src[lit:j])))
		}
	}
	synth := func(text string, j int) {
		if out != nil {
			*out = append(*out, ref.Synth(text, l.lines.Pos(j)))
		}
	}
	for j := i; j < len(src); {
		c := src[j]
		switch {
		case sp.doubled && c == '"' && at(src, j+1) == '"':
			flush(j)
			synth(`"`, j)
			j += 2
			lit = j
		case c == sp.close[0] && bytes.HasPrefix(src[j:], []byte(sp.close)):
			flush(j)
			return j + len(sp.close)
		case c == '\n' && !sp.multiline:
			flush(j)
			return j
		case c == '\\' && sp.escapes:
			flush(j)
			text, n := unescape(src[j:])
			synth(text, j)
			j += n
			lit = j
		case c == '\\' && sp.keepSlash:
			j = min(j+2, len(src))
		case sp.interp == '{' && (c == '{' || c == '}') && at(src, j+1) == c:
			flush(j)
			synth(string(c), j)
			j += 2
			lit = j
		case sp.interp == '{' && c == '{', sp.interp == '$' && c == '$' && at(src, j+1) == '{':
			flush(j)
			end := l.interpolation(j, sp)
			if out != nil {
				synth(placeholder(src[j:end], sp.interp), j)
			}
			j, lit = end, end
		default:
			j++
		}
	}
	flush(len(src))
	return len(src)
}

// interpolation returns the offset past the interpolation opening at j.
// A ${…} expression is lexed as code (it may hold strings and templates
// of its own); a {…} field is skipped by counting braces outside quotes.
func (l *lexer) interpolation(j int, sp strSpec) int {
	if l.depth >= maxNesting {
		return len(l.src)
	}
	l.depth++
	defer func() { l.depth-- }()
	if sp.interp == '$' {
		return l.run(j+2, true)
	}
	src := l.src
	depth := 0
	for k := j; k < len(src); k++ {
		switch src[k] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return k + 1
			}
		case '\'', '"':
			q := src[k]
			for k++; k < len(src) && src[k] != q && (src[k] != '\n' || sp.multiline); k++ {
			}
		case '\n':
			if !sp.multiline {
				return k
			}
		}
	}
	return len(src)
}

// placeholder renders an interpolation for the ARN matcher: as written
// when it is short and plain, else as a generic ${expr} or {expr}, so a
// string nested inside it cannot be mistaken for part of the outer text.
func placeholder(raw []byte, kind byte) string {
	if len(raw) <= 120 && bytes.IndexAny(raw, "'\"`\n") < 0 && (raw[len(raw)-1] == '}') {
		return string(raw)
	}
	if kind == '$' {
		return "${expr}"
	}
	return "{expr}"
}

// unescape decodes the escape sequence at the start of s (s[0] is the
// backslash) and returns its text and length. Only what an ARN could
// plausibly hold is decoded exactly; the rest yields the escaped byte.
func unescape(s []byte) (string, int) {
	if len(s) < 2 {
		return "", len(s)
	}
	switch s[1] {
	case 'n':
		return "\n", 2
	case 't':
		return "\t", 2
	case 'r':
		return "\r", 2
	case '\n':
		return "", 2 // line continuation
	case '\r':
		if at(s, 2) == '\n' {
			return "", 3
		}
		return "", 2
	}
	return string(s[1]), 2
}
