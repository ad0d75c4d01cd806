package rewrite

import (
	"errors"
	"fmt"
	"io"
)

// fill reads a file of size bytes (as its fstat said) into *buf with
// read until end of file (read answers 0 or io.EOF), refusing more than
// max bytes; nil, nil for a binary file. The result aliases *buf, which
// grows as needed and is reused by the caller.
func fill(read func([]byte) (int, error), size, max int64, buf *[]byte) ([]byte, error) {
	if size > max {
		return nil, tooLarge(size, max)
	}
	if int64(cap(*buf)) < size+1 {
		*buf = make([]byte, size+1+size/4)
	}
	b := (*buf)[:cap(*buf)]
	n := 0
	for {
		m, err := read(b[n:])
		n += m
		if errors.Is(err, io.EOF) || m == 0 && err == nil {
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
