package cdk

import (
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// family is a group of languages sharing comment and string syntax.
type family int

const (
	famJS family = iota // TypeScript, JavaScript
	famPython
	famJava
	famKotlin
	famCSharp
	famGo
)

type tokKind uint8

const (
	tIdent tokKind = iota + 1
	tPunct
	tString
)

// token is one lexeme of a source file outside comments. Only what the
// scanner needs is kept: identifiers and punctuation give a string its
// context and its concatenation neighbours; numbers are skipped.
type token struct {
	kind       tokKind
	start, end int
}

// lexer splits a source file into tokens. It never fails: an unterminated
// string or comment ends at the end of its line or of the file.
type lexer struct {
	src []byte
	fam family
	// toks are the tokens at top level; nested holds string literals found
	// inside interpolations (`${cond ? 'a' : 'b'}`), which are scanned
	// alone so they do not break up the tokens around their template.
	toks, nested []token
	lines        *ref.Lines
	depth        int  // interpolation nesting, bounded to keep hostile input cheap
	quiet        bool // re-reading a literal for its pieces: record nothing
}

const maxNesting = 64

func newLexer(src []byte, fam family, lines *ref.Lines) *lexer {
	// About one token per six bytes of typical code; growing from zero
	// would copy the slice a dozen times on a large stack.
	return &lexer{src: src, fam: fam, lines: lines, toks: make([]token, 0, len(src)/6+16)}
}

// run lexes from i. With inExpr it lexes the expression of an
// interpolation and returns the offset just past its closing brace.
func (l *lexer) run(i int, inExpr bool) int {
	src := l.src
	braces := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '#' && l.fam == famPython:
			i = lineEnd(src, i)
		case c == '/' && l.fam != famPython && at(src, i+1) == '/':
			i = lineEnd(src, i)
		case c == '/' && l.fam != famPython && at(src, i+1) == '*':
			i = blockCommentEnd(src, i+2)
		case c == '/' && l.fam == famJS && l.regexAllowed():
			i = regexEnd(src, i+1)
		default:
			if sp, content, ok := l.stringAt(i); ok {
				i = l.literal(i, content, sp)
				continue
			}
			if isIdentByte(c) {
				j := i + 1
				for j < len(src) && isIdentByte(src[j]) {
					j++
				}
				if c < '0' || c > '9' {
					l.emit(token{kind: tIdent, start: i, end: j})
				}
				i = j
				continue
			}
			if inExpr {
				switch c {
				case '{':
					braces++
				case '}':
					if braces == 0 {
						return i + 1
					}
					braces--
				}
			}
			l.emit(token{kind: tPunct, start: i, end: i + 1})
			i++
		}
	}
	return i
}

// emit records a top-level token; inside an interpolation only string
// literals are kept, in nested.
func (l *lexer) emit(t token) {
	if l.quiet {
		return
	}
	if l.depth == 0 {
		l.toks = append(l.toks, t)
	} else if t.kind == tString {
		l.nested = append(l.nested, t)
	}
}

// literal skips the string literal opening at start (content at content)
// and records it as a token; char literals are skipped silently.
func (l *lexer) literal(start, content int, sp strSpec) int {
	idx, depth := len(l.toks), l.depth
	if !sp.char && depth == 0 && !l.quiet {
		l.toks = append(l.toks, token{kind: tString, start: start})
	}
	end := l.readString(content, sp, nil)
	switch {
	case sp.char || l.quiet:
	case depth == 0:
		l.toks[idx].end = end
	default:
		l.nested = append(l.nested, token{kind: tString, start: start, end: end})
	}
	return end
}

// regexAllowed applies the usual JavaScript rule: a slash starts a regular
// expression where an operand is expected, after punctuation (except a
// closing bracket) or a keyword such as return.
func (l *lexer) regexAllowed() bool {
	if len(l.toks) == 0 {
		return true
	}
	t := l.toks[len(l.toks)-1]
	switch t.kind {
	case tPunct:
		c := l.src[t.start]
		return c != ')' && c != ']' && c != '}'
	case tIdent:
		switch string(l.src[t.start:t.end]) {
		case "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield", "await", "instanceof":
			return true
		}
	}
	return false
}

// regexEnd returns the offset past a regular expression literal whose body
// starts at i, flags included; it stops at a line end if unterminated.
func regexEnd(src []byte, i int) int {
	class := false
	for i < len(src) && src[i] != '\n' {
		switch src[i] {
		case '\\':
			i++
		case '[':
			class = true
		case ']':
			class = false
		case '/':
			if !class {
				i++
				for i < len(src) && isIdentByte(src[i]) {
					i++
				}
				return i
			}
		}
		i++
	}
	return min(i, len(src))
}

func lineEnd(src []byte, i int) int {
	for i < len(src) && src[i] != '\n' {
		i++
	}
	return i
}

func blockCommentEnd(src []byte, i int) int {
	for i+1 < len(src) {
		if src[i] == '*' && src[i+1] == '/' {
			return i + 2
		}
		i++
	}
	return len(src)
}

// at returns src[i], or 0 past the end.
func at(src []byte, i int) byte {
	if i < len(src) && i >= 0 {
		return src[i]
	}
	return 0
}

// isIdentByte accepts ASCII identifier bytes, $ (JavaScript) and every
// non-ASCII byte, so identifiers in any script stay one token.
func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z')
}
