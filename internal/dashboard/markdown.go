package dashboard

import (
	"fmt"
	"strings"
)

// noteRoom is kept free under the limit for the closing note that counts
// what was left out.
const noteRoom = 512

// writer builds the body within a byte budget: once a piece does not fit
// nothing more is written (so the sections first written, the ones with
// boxes, are the last to lose lines), and the lines left out are counted
// by what they are.
type writer struct {
	b     strings.Builder
	limit int
	full  bool
	left  map[string]int
	kinds []string // the keys of left, in first-met order
}

// text writes a paragraph of the body's own.
func (w *writer) text(s string) { w.add(s, "") }

// section starts a section: a heading, an optional sentence, and what to
// say when it is empty.
func (w *writer) section(title, intro string, empty bool, none string) {
	s := "\n## " + title + "\n\n"
	if intro != "" && !empty {
		s += intro + "\n\n"
	}
	if empty {
		s += none + "\n"
	}
	w.add(s, "")
}

// line writes one line of a section; what names its kind in the closing
// note if it does not fit ("" for a line nobody would miss alone).
func (w *writer) line(s, what string) { w.add(s+"\n", what) }

func (w *writer) add(s, what string) {
	if !w.full && w.b.Len()+len(s) <= w.limit {
		w.b.WriteString(s)
		return
	}
	w.full = true
	if what == "" {
		return
	}
	if w.left == nil {
		w.left = map[string]int{}
	}
	if w.left[what] == 0 {
		w.kinds = append(w.kinds, what)
	}
	w.left[what]++
}

// finish returns the body, with a note of what was left out.
func (w *writer) finish() string {
	if len(w.kinds) == 0 {
		return w.b.String()
	}
	var parts []string
	for _, k := range w.kinds {
		parts = append(parts, fmt.Sprintf("%d %s", w.left[k], k))
	}
	w.b.WriteString("\n---\n\n_Not shown, to stay within GitHub's limit of 65,536 characters for an issue: " +
		strings.Join(parts, ", ") + ". `bumpbot report` lists every pin._\n")
	return w.b.String()
}

// text makes free text (a title, a message quoting a person's file) one
// line that cannot open an HTML comment: no hidden marker can be forged
// through it.
func text(s string) string { return textSafe.Replace(s) }

// The replacers are built once: building one costs far more than using it.
var (
	textSafe  = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "<", "&lt;")
	oneLine   = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")
	linkLabel = strings.NewReplacer("[", `\[`, "]", `\]`)
)

// code renders s as inline code, with a longer fence when s holds a
// backtick.
func code(s string) string {
	s = oneLine.Replace(s)
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

// cell is code or text made safe in a table cell: a pipe would end it.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// link is text safe as a link's label.
func link(s string) string {
	return linkLabel.Replace(text(s))
}
