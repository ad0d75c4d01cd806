package ref

import "sort"

// Lines maps byte offsets of one file to 1-based line and column.
type Lines struct {
	file   string
	src    []byte
	starts []int // offset of the first byte of each line
}

// NewLines indexes src, reported as file. The Lines keeps src, so it must
// not outlive the scan of that file.
func NewLines(file string, src []byte) *Lines {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &Lines{file: file, src: src, starts: starts}
}

// Pos returns the position of byte offset off.
func (l *Lines) Pos(off int) Pos {
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return Pos{File: l.file, Line: i + 1, Column: off - l.starts[i] + 1, Offset: off}
}

// Offset returns the byte offset of 1-based line and column, or -1.
func (l *Lines) Offset(line, col int) int {
	if line < 1 || line > len(l.starts) || col < 1 {
		return -1
	}
	return l.starts[line-1] + col - 1
}
