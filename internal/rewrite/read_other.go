//go:build !unix

package rewrite

import (
	"fmt"
	"io"
	"os"
)

// readCandidate reads a file (see read_unix.go).
func readCandidate(p string, max int64, buf *[]byte) ([]byte, error) {
	return readCandidateOS(p, max, buf)
}

// readCandidateOS reads a file into *buf unless it is too large or binary
// (nil, nil). The result aliases *buf.
func readCandidateOS(p string, max int64, buf *[]byte) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	size := info.Size()
	if !info.Mode().IsRegular() {
		return nil, nil
	}
	if size > max {
		return nil, tooLarge(size, max)
	}
	if int64(cap(*buf)) < size+1 {
		*buf = make([]byte, size+1+size/4)
	}
	b := (*buf)[:cap(*buf)]
	n := 0
	for {
		m, err := f.Read(b[n:])
		n += m
		if err == io.EOF || m == 0 && err == nil {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read: %w", err)
		}
		if n == len(b) { // the file grew while we read it
			*buf = append(b, make([]byte, len(b))...)
			b = (*buf)[:cap(*buf)]
		}
		if int64(n) > max {
			return nil, tooLarge(int64(n), max)
		}
	}
	if src := b[:n]; !isBinary(src) {
		return src, nil
	}
	return nil, nil
}
