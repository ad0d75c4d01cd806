package policycheck

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// WholeFile marks, in a Changed set, a file changed as a whole: new and
// not tracked yet, or one whose patch GitHub does not show (too large).
const WholeFile = 0

// Changed is, per file (slash path), the lines of the new version that a
// change adds or edits.
type Changed map[string]map[int]bool

// Has reports whether line of file is changed.
func (c Changed) Has(file string, line int) bool {
	return c[file][line] || c[file][WholeFile]
}

// Add marks lines of file changed.
func (c Changed) Add(file string, lines ...int) {
	if c[file] == nil {
		c[file] = map[int]bool{}
	}
	for _, l := range lines {
		c[file][l] = true
	}
}

// ParseDiff reads a unified diff of several files (git diff's output,
// any context width): the lines each hunk adds to the new files. Paths
// are the "+++ b/..." names; a deleted file adds nothing.
func ParseDiff(diff []byte) (Changed, error) {
	changed := Changed{}
	var file string
	var h hunk
	sc := bufio.NewScanner(bytes.NewReader(diff))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		if !h.inside() && strings.HasPrefix(line, "+++ ") {
			file = strings.TrimPrefix(strings.TrimPrefix(line, "+++ "), "b/")
			if file == "/dev/null" {
				file = "" // deleted: its hunks add nothing
			}
			continue
		}
		// Inside a hunk every line is its body, even one that reads
		// like a header ("--- x" is a removed "-- x").
		if l, ok := h.line(line); ok && file != "" {
			changed.Add(file, l)
		}
	}
	return changed, sc.Err()
}

// PatchLines reads the patch of one file as GitHub's pull request files
// API gives it (hunks with three lines of context, no file header): the
// lines of the new file the patch adds.
func PatchLines(patch string) []int {
	var out []int
	var h hunk
	for _, line := range strings.Split(patch, "\n") {
		if l, ok := h.line(line); ok {
			out = append(out, l)
		}
	}
	return out
}

// hunk walks the lines of a hunk: next is the new file's next line
// number, left counts the old and new lines the header announced and the
// body has not shown yet, so a "--- " line inside a hunk is a removed
// line, not a header.
type hunk struct {
	next, oldLeft, newLeft int
}

func (h *hunk) inside() bool { return h.oldLeft > 0 || h.newLeft > 0 }

// line advances over one line of a diff and returns the new file's line
// number when the line is an added one.
func (h *hunk) line(s string) (int, bool) {
	if strings.HasPrefix(s, "@@ ") {
		oldN, start, newN, ok := hunkHeader(s)
		if ok {
			*h = hunk{next: start, oldLeft: oldN, newLeft: newN}
		}
		return 0, false
	}
	if !h.inside() || s == "" && h.newLeft == 0 {
		return 0, false
	}
	switch {
	case strings.HasPrefix(s, "+"):
		h.newLeft--
		h.next++
		return h.next - 1, true
	case strings.HasPrefix(s, "-"):
		h.oldLeft--
	case strings.HasPrefix(s, `\`): // "\ No newline at end of file"
	default: // context (" " or an empty line of a trimmed patch)
		h.oldLeft--
		h.newLeft--
		h.next++
	}
	return 0, false
}

// hunkHeader reads "@@ -a,b +c,d @@": the old count b, the new file's
// first line c and count d (counts are 1 when left out).
func hunkHeader(header string) (oldN, start, newN int, ok bool) {
	fields := strings.Fields(header)
	if len(fields) < 3 || !strings.HasPrefix(fields[1], "-") || !strings.HasPrefix(fields[2], "+") {
		return 0, 0, 0, false
	}
	_, oldN, ok1 := rangeOf(fields[1][1:])
	start, newN, ok2 := rangeOf(fields[2][1:])
	return oldN, start, newN, ok1 && ok2
}

// rangeOf reads "c,d" or "c".
func rangeOf(s string) (int, int, bool) {
	a, b, hasCount := strings.Cut(s, ",")
	start, err := strconv.Atoi(a)
	if err != nil {
		return 0, 0, false
	}
	n := 1
	if hasCount {
		if n, err = strconv.Atoi(b); err != nil {
			return 0, 0, false
		}
	}
	return start, n, true
}
