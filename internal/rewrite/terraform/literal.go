package terraform

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// literalPieces maps the decoded text val of a template literal back onto
// its source bytes src (which start at offset off of f). Runs of bytes that
// are copied unchanged become verbatim pieces, so a version written there
// can be edited; escapes ("\"", "$${", "%%{") and anything the parser
// rewrote become synthesized pieces. quoted says whether backslash escapes
// apply (quoted strings) or not (heredocs, JSON strings). Whitespace in src
// that is missing from val (heredoc indentation, "~" strip markers) is
// skipped. When the two cannot be aligned the whole text is synthesized,
// which is always safe: it only loses the ability to edit.
func literalPieces(f *srcFile, off int, src []byte, val string, quoted bool) []ref.Piece {
	at := f.lines.Pos(off)
	if f.noVerbatim(off) {
		return []ref.Piece{ref.Synth(val, at)}
	}
	var out []ref.Piece
	i, j := 0, 0
	runStart, runVal := -1, 0 // current verbatim run: src offset and val offset
	flush := func() {
		if runStart >= 0 {
			out = append(out, ref.Lit(f.lines, off+runStart, val[runVal:j]))
			runStart = -1
		}
	}
	for i < len(src) {
		if n, dec := escapeAt(src[i:], quoted); n > 0 {
			if !strings.HasPrefix(val[j:], dec) {
				return []ref.Piece{ref.Synth(val, at)}
			}
			flush()
			out = append(out, ref.Synth(dec, f.lines.Pos(off+i)))
			i += n
			j += len(dec)
			continue
		}
		if j < len(val) && src[i] == val[j] {
			if runStart < 0 {
				runStart, runVal = i, j
			}
			i++
			j++
			continue
		}
		if isSpace(src[i]) {
			flush()
			i++
			continue
		}
		return []ref.Piece{ref.Synth(val, at)}
	}
	if j != len(val) {
		return []ref.Piece{ref.Synth(val, at)}
	}
	flush()
	return out
}

// escapeAt returns the length of the escape sequence at the start of s and
// the text it stands for, or 0 when s does not start with one.
func escapeAt(s []byte, quoted bool) (int, string) {
	switch {
	case len(s) >= 3 && s[0] == '$' && s[1] == '$' && s[2] == '{':
		return 3, "${"
	case len(s) >= 3 && s[0] == '%' && s[1] == '%' && s[2] == '{':
		return 3, "%{"
	case !quoted || len(s) < 2 || s[0] != '\\':
		return 0, ""
	}
	switch s[1] {
	case 'n':
		return 2, "\n"
	case 'r':
		return 2, "\r"
	case 't':
		return 2, "\t"
	case '"':
		return 2, `"`
	case '\\':
		return 2, `\`
	case 'u':
		return unicodeEscape(s, 4)
	case 'U':
		return unicodeEscape(s, 8)
	}
	return 0, ""
}

func unicodeEscape(s []byte, digits int) (int, string) {
	if len(s) < 2+digits {
		return 0, ""
	}
	n, err := strconv.ParseUint(string(s[2:2+digits]), 16, 32)
	if err != nil || !utf8.ValidRune(rune(n)) {
		return 0, ""
	}
	return 2 + digits, string(rune(n))
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// maxPlaceholder bounds the length of a placeholder rendered from source;
// the ARN matcher gives up on longer brace groups anyway.
const maxPlaceholder = 200

// placeholder renders an expression the scanner cannot evaluate the way it
// is written in a template, "${" + source + "}", so the ARN matcher reports
// it as a placeholder. The matcher only accepts a brace group on one line
// without double quotes, so such sources are normalized (quotes become
// single quotes, whitespace runs one space); a source that would then hold
// an ARN of its own, or is too long, becomes "${...}" so it can neither hide
// nor duplicate the references found inside it.
func placeholder(src []byte) string {
	s := string(src)
	if simplePlaceholder(s) {
		return "${" + s + "}"
	}
	s = strings.ReplaceAll(s, `"`, "'")
	s = strings.ReplaceAll(s, "`", "'")
	s = strings.Join(strings.Fields(s), " ")
	if !simplePlaceholder(s) {
		return "${...}"
	}
	return "${" + s + "}"
}

func simplePlaceholder(s string) bool {
	if len(s) > maxPlaceholder || strings.Contains(s, "arn:") || strings.ContainsAny(s, "\"`\n\r\t") {
		return false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}
