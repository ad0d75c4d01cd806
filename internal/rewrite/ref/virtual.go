package ref

import (
	"strconv"
	"strings"

	"github.com/bumpbot/bumpbot/internal/layerarn"
)

// Piece is a run of an evaluated string together with where it came from.
// Formats evaluate what they can statically (a Join, a ${var} with a
// default, a format() call) into a Virtual made of pieces, and the ARN
// matcher runs on the concatenation. A piece whose text is copied verbatim
// from a file maps every byte back to that file, which is how an edit can
// target the version digits even when they sit in a variable default.
type Piece struct {
	Text string
	// At is the position of Text[0] in its file when Verbatim.
	At Pos
	// Verbatim means Text equals the file's bytes at At.Offset, so byte i
	// of Text is at At.Offset+i.
	Verbatim bool
	// Lines indexes At.File, to locate bytes inside the piece.
	Lines *Lines
}

// Virtual is an evaluated string.
type Virtual []Piece

// Lit returns a verbatim piece for src[off:off+len(text)] of a file.
func Lit(lines *Lines, off int, text string) Piece {
	return Piece{Text: text, At: lines.Pos(off), Verbatim: true, Lines: lines}
}

// Synth returns a piece that is not a copy of file bytes (an escaped string,
// a placeholder rendered for an intrinsic, a separator of a join), located
// at at for reporting.
func Synth(text string, at Pos) Piece { return Piece{Text: text, At: at} }

// String concatenates the pieces.
func (v Virtual) String() string {
	var b strings.Builder
	for _, p := range v {
		b.WriteString(p.Text)
	}
	return b.String()
}

// Slice returns the pieces covering bytes [i, j) of the concatenation;
// what a verbatim piece contributes stays verbatim, located at its first
// byte.
func (v Virtual) Slice(i, j int) Virtual {
	var out Virtual
	off := 0
	for _, p := range v {
		end := off + len(p.Text)
		lo, hi := max(i, off), min(j, end)
		if lo < hi {
			q := p
			q.Text = p.Text[lo-off : hi-off]
			if p.Verbatim && p.Lines != nil {
				q = Lit(p.Lines, p.At.Offset+lo-off, q.Text)
			}
			out = append(out, q)
		}
		off = end
	}
	return out
}

// Locate returns the piece holding byte i of the concatenation and i's
// offset inside that piece.
func (v Virtual) Locate(i int) (Piece, int, bool) {
	for _, p := range v {
		if i < len(p.Text) {
			return p, i, true
		}
		i -= len(p.Text)
	}
	return Piece{}, 0, false
}

// posOf returns the file position of byte i of the concatenation: exact in
// a verbatim piece, the piece's own position otherwise.
func (v Virtual) posOf(i int) Pos {
	p, k, ok := v.Locate(i)
	if !ok {
		return Pos{}
	}
	if p.Verbatim && p.Lines != nil {
		return p.Lines.Pos(p.At.Offset + k)
	}
	return p.At
}

// Site describes where an evaluated string sits, for the references found
// in it.
type Site struct {
	Format   Format
	Context  string
	Function *Function
	// At, when set, is reported as the reference position instead of the
	// position of the ARN's first byte (used when the ARN is assembled from
	// parts, so the expression's start is the useful position).
	At *Pos
}

// Find runs the ARN matcher on v and returns a reference for each layer
// version ARN, with VersionAt set only when the version digits are one
// verbatim run of file bytes.
func (v Virtual) Find(site Site) []Reference {
	s := v.String()
	var out []Reference
	for _, m := range layerarn.FindAll(s) {
		r := Reference{
			Pos:       v.posOf(m.Start),
			ARN:       s[m.Start:m.End],
			Partition: m.Partition,
			Region:    m.Region,
			Account:   m.Account,
			Layer:     m.Name,
			Format:    site.Format,
			Context:   site.Context,
			Function:  site.Function,
		}
		if site.At != nil {
			r.Pos = *site.At
		}
		if written, ok := v.asWritten(m); ok {
			r.ARN = written
		}
		if m.NonNumeric {
			r.VersionText = m.VersionText
			if at, ok := v.verbatimSpan(m.VersionStart, len(m.VersionText)); ok {
				r.VersionTextAt = &at
			}
		}
		if m.VersionIsLiteral() {
			ver := m.Version
			r.Version = &ver
			// A literal written with leading zeros ("07") is not located:
			// an edit writes plain decimal digits, so it could not be
			// verified to change only the version.
			at, ok := v.verbatimSpan(m.VersionStart, len(m.VersionText))
			if ok && m.VersionText == strconv.Itoa(ver) {
				r.VersionAt = &at
				r.VersionLen = len(m.VersionText)
			}
		}
		out = append(out, r)
	}
	return out
}

// verbatimSpan reports the file position of bytes [i, i+n) of the
// concatenation when they all come from one verbatim piece.
func (v Virtual) verbatimSpan(i, n int) (Pos, bool) {
	p, k, ok := v.Locate(i)
	if !ok || !p.Verbatim || p.Lines == nil || k+n > len(p.Text) {
		return Pos{}, false
	}
	return p.Lines.Pos(p.At.Offset + k), true
}

// asWritten returns the ARN as the file spells it when the match starts in
// a verbatim piece and the file holds the whole ARN there, placeholders
// included: "arn:aws:lambda:${AWS::Region}:…:layer:x:${Version}" is
// reported as written even though the version was resolved to a parameter
// default. An ARN assembled by a join or a format() has no such spelling
// and is reported as evaluated.
func (v Virtual) asWritten(m layerarn.Match) (string, bool) {
	p, k, ok := v.Locate(m.Start)
	if !ok || !p.Verbatim || p.Lines == nil || p.Lines.src == nil {
		return "", false
	}
	src := p.Lines.src[p.At.Offset+k:]
	if len(src) > 1024 {
		src = src[:1024]
	}
	w, ok := layerarn.MatchPrefix(string(src))
	if !ok || w.Name != m.Name || w.VersionText == "" {
		return "", false
	}
	// The spelling may differ from the evaluated text only where the file
	// has a ${...} placeholder that the format resolved; any other
	// difference (an escape, a doubled brace) means the bytes here are
	// not the ARN.
	for _, f := range [][2]string{
		{w.Partition, m.Partition}, {w.Region, m.Region},
		{w.Account, m.Account}, {w.VersionText, m.VersionText},
	} {
		if f[0] != f[1] && !strings.HasPrefix(f[0], "${") {
			return "", false
		}
	}
	return string(src[:w.End]), true
}

// Interpolate returns base with each ${...} of its text replaced by what
// sub makes of it: sub gets the text before the placeholder, the
// expression inside its braces and the placeholder as written. A
// placeholder may span lines and hold quotes (a fallback such as
// ${opt:stage, 'dev'}): only the end of the text stops it, and an
// unclosed one is kept as written with the rest.
func Interpolate(base Virtual, sub func(before, expr string, written Virtual) Virtual) Virtual {
	s := base.String()
	if !strings.Contains(s, "${") {
		return base
	}
	var out Virtual
	last := 0
	for i := 0; i < len(s); {
		k := strings.Index(s[i:], "${")
		if k < 0 {
			break
		}
		start := i + k
		n := layerarn.BraceEnd(s[start+1:], 0, "")
		if n == 0 {
			break
		}
		end := start + 1 + n
		out = append(out, base.Slice(last, start)...)
		out = append(out, sub(s[:start], s[start+2:end-1], base.Slice(start, end))...)
		last, i = end, end
	}
	return append(out, base.Slice(last, len(s))...)
}
