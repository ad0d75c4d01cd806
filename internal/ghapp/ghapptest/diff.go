package ghapptest

import (
	"fmt"
	"strings"
)

// diffContext is how many unchanged lines GitHub shows around a change.
const diffContext = 3

// maxDiffCells bounds the line-by-line comparison; beyond it the fake,
// like GitHub for a large diff, gives no patch.
const maxDiffCells = 4 << 20

// unifiedPatch is GitHub's "patch" of a file in a pull request: the hunks
// of a unified diff of old and new with three lines of context, no file
// header. ok is false when the files are too large to compare.
func unifiedPatch(old, new string) (patch string, adds, dels int, ok bool) {
	a, b := splitLines(old), splitLines(new)
	if len(a)*len(b) > maxDiffCells {
		return "", 0, 0, false
	}
	ops := editScript(a, b)
	var out strings.Builder
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: from diffContext lines before this change to
		// diffContext lines after the last change no more than
		// 2*diffContext unchanged lines away.
		start, end := max(0, i-diffContext), i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j + 1
			} else if j-end >= 2*diffContext {
				break
			}
		}
		end = min(len(ops), end+diffContext)
		oldStart, newStart := 1, 1
		for _, o := range ops[:start] {
			oldStart += o.old()
			newStart += o.new()
		}
		oldN, newN := 0, 0
		var body strings.Builder
		for _, o := range ops[start:end] {
			oldN += o.old()
			newN += o.new()
			body.WriteString(string(o.kind) + o.text + "\n")
			switch o.kind {
			case '+':
				adds++
			case '-':
				dels++
			}
		}
		// git names the line before an empty range.
		if oldN == 0 {
			oldStart--
		}
		if newN == 0 {
			newStart--
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n%s", oldStart, oldN, newStart, newN, body.String())
		i = end
	}
	return strings.TrimSuffix(out.String(), "\n"), adds, dels, true
}

// diffOp is one line of an edit script: ' ' kept, '-' removed, '+' added.
type diffOp struct {
	kind byte
	text string
}

func (o diffOp) old() int {
	if o.kind == '+' {
		return 0
	}
	return 1
}

func (o diffOp) new() int {
	if o.kind == '-' {
		return 0
	}
	return 1
}

// editScript turns a into b through a longest common subsequence of
// lines: quadratic, which the files of tests afford.
func editScript(a, b []string) []diffOp {
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, diffOp{' ', a[i]})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			// Removed lines first, as git shows them.
			ops = append(ops, diffOp{'-', a[i]})
			i++
		default:
			ops = append(ops, diffOp{'+', b[j]})
			j++
		}
	}
	return ops
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
