package bump

import (
	"bytes"
	"fmt"
	"strings"
)

// diffContext is the number of unchanged lines around each change, as
// git and diff -u use.
const diffContext = 3

// Diff renders a unified diff of one file that `git apply` accepts. A bump
// only rewrites version digits, so before and after have the same lines
// (only their contents differ) and no alignment is needed. Line endings
// are kept as they are (a CRLF file's lines end in \r in the diff, as git
// produces them), and a last line without a newline is marked.
func Diff(path string, before, after []byte) string {
	a, z := splitLines(before), splitLines(after)
	if len(a) != len(z) {
		// Never produced by a bump; refuse rather than mislead.
		return fmt.Sprintf("# %s: line structure changed, no diff shown\n", path)
	}
	var changed []int
	for i := range a {
		if a[i] != z[i] {
			changed = append(changed, i)
		}
	}
	if len(changed) == 0 {
		return ""
	}
	var b strings.Builder
	// An absolute path is shown from the root ("a/abs/dir/f"): "a//abs"
	// is no path git apply accepts.
	shown := strings.TrimLeft(path, "/")
	fmt.Fprintf(&b, "--- a/%s\n+++ b/%s\n", shown, shown)
	for i := 0; i < len(changed); {
		// A hunk takes every change whose context touches the previous one.
		j := i
		for j+1 < len(changed) && changed[j+1]-changed[j] <= 2*diffContext {
			j++
		}
		start := max(changed[i]-diffContext, 0)
		end := min(changed[j]+diffContext+1, len(a))
		fmt.Fprintf(&b, "@@ -%s +%s @@\n", hunkRange(start, end), hunkRange(start, end))
		for k := start; k < end; {
			if a[k] == z[k] {
				writeLine(&b, ' ', a[k])
				k++
				continue
			}
			// A run of changed lines: all removals, then all additions.
			run := k
			for run < end && a[run] != z[run] {
				run++
			}
			for _, l := range a[k:run] {
				writeLine(&b, '-', l)
			}
			for _, l := range z[k:run] {
				writeLine(&b, '+', l)
			}
			k = run
		}
		i = j + 1
	}
	return b.String()
}

// hunkRange renders "start,count" with a 1-based start.
func hunkRange(start, end int) string {
	if end-start == 1 {
		return fmt.Sprint(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, end-start)
}

func writeLine(b *strings.Builder, mark byte, line string) {
	b.WriteByte(mark)
	b.WriteString(line)
	if !strings.HasSuffix(line, "\n") {
		b.WriteString("\n\\ No newline at end of file\n")
	}
}

// splitLines splits after each \n, keeping it; a last line without one is
// kept as is.
func splitLines(src []byte) []string {
	var out []string
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			out = append(out, string(src))
			break
		}
		out = append(out, string(src[:i+1]))
		src = src[i+1:]
	}
	return out
}
