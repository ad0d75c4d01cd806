// Package text finds literal layer version ARNs in files bumpbot has no
// structural parser for (CI workflows, Makefiles, shell, JSON config) and in
// files whose parser failed. Comments are masked first, so an ARN that was
// commented out is not reported as a pin.
package text

import (
	"path"
	"strings"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// Comments says which comment syntax a file uses.
type Comments int

// Comment syntaxes.
const (
	NoComments    Comments = iota
	HashComments           // # to end of line (shell, YAML, Makefile, HCL, Python, Ruby)
	SlashComments          // // to end of line and /* */ (JS, TS, Go, Java, C#)
	HashAndSlash           // HCL allows both
)

// CommentsFor guesses the comment syntax from a file name.
func CommentsFor(name string) Comments {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	switch strings.ToLower(path.Ext(base)) {
	case ".json", ".template":
		return NoComments
	case ".js", ".mjs", ".cjs", ".ts", ".tsx", ".go", ".java", ".cs", ".kt", ".scala", ".swift", ".c", ".h", ".cpp", ".rs", ".jsonc", ".json5":
		return SlashComments
	case ".tf", ".hcl", ".tfvars":
		return HashAndSlash
	}
	return HashComments
}

// Scan returns the literal layer version ARNs outside comments.
func Scan(f ref.File, comments Comments) []ref.Reference {
	if !layerarn.MayHoldARN(f.Src) {
		return nil
	}
	masked := Mask(f.Src, comments)
	lines := ref.NewLines(f.Path, f.Src)
	refs := ref.Virtual{ref.Lit(lines, 0, string(masked))}.Find(ref.Site{Format: ref.Text})
	for i := range refs {
		refs[i].Context = lineKey(f.Src, lines, refs[i].Offset)
	}
	return refs
}

// Mask returns a copy of src with every comment byte replaced by a space
// (newlines kept), so offsets in the result are offsets in src.
func Mask(src []byte, comments Comments) []byte {
	out := append([]byte(nil), src...)
	if comments == NoComments {
		return out
	}
	hash := comments == HashComments || comments == HashAndSlash
	slash := comments == SlashComments || comments == HashAndSlash
	var quote byte // the quote we are inside, or 0
	blank := func(from, to int) {
		for k := from; k < to; k++ {
			if out[k] != '\n' && out[k] != '\r' {
				out[k] = ' '
			}
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if quote != 0 {
			switch {
			case c == '\\' && quote != '`':
				i++
			case c == quote || (c == '\n' && quote != '`'):
				quote = 0
			}
			continue
		}
		switch {
		case c == '"' || c == '\'' || (c == '`' && slash):
			quote = c
		case hash && c == '#' && (i == 0 || isSpace(src[i-1])):
			j := lineEnd(src, i)
			blank(i, j)
			i = j - 1
		case slash && c == '/' && i+1 < len(src) && src[i+1] == '/' && (i == 0 || src[i-1] != ':'):
			j := lineEnd(src, i)
			blank(i, j)
			i = j - 1
		case slash && c == '/' && i+1 < len(src) && src[i+1] == '*':
			j := strings.Index(string(src[i+2:]), "*/")
			end := len(src)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			blank(i, end)
			i = end - 1
		}
	}
	return out
}

func lineEnd(src []byte, i int) int {
	for i < len(src) && src[i] != '\n' {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// lineKey returns the key of a "KEY=value" or "key: value" line holding
// off, as a short context, or "".
func lineKey(src []byte, lines *ref.Lines, off int) string {
	p := lines.Pos(off)
	start := off - (p.Column - 1)
	line := string(src[start:off])
	line = strings.TrimLeft(line, " \t-")
	line = strings.TrimPrefix(line, "export ")
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == '=' || c == ':' {
			key := strings.TrimSpace(strings.Trim(strings.TrimSpace(line[:i]), `"'`))
			if key != "" && !strings.ContainsAny(key, " \t\"'$") {
				return key
			}
			return ""
		}
		if !(c == '_' || c == '-' || c == '.' || c == ' ' || c == '"' || c == '\'' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z')) {
			return ""
		}
	}
	return ""
}
