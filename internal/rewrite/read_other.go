//go:build !unix

package rewrite

import (
	"fmt"
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
	if !info.Mode().IsRegular() {
		return nil, nil
	}
	return fill(f.Read, info.Size(), max, buf)
}
