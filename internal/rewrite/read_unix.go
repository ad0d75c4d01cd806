//go:build unix

package rewrite

import (
	"errors"
	"fmt"
	"syscall"
)

// readCandidate reads a file into *buf unless it is too large or binary
// (nil, nil). The result aliases *buf.
//
// It makes the system calls ripgrep makes, open, fstat, read until end of
// file, close, and no more: os.Open would also register every file with
// the runtime's poller (an extra epoll_ctl that fails for regular files),
// which on a tree of 20,000 files is a good part of the scan's time.
func readCandidate(p string, max int64, buf *[]byte) ([]byte, error) {
	fd, err := openRead(p)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, nil
	}
	size := st.Size
	if size > max {
		return nil, tooLarge(size, max)
	}
	if int64(cap(*buf)) < size+1 {
		*buf = make([]byte, size+1+size/4)
	}
	b := (*buf)[:cap(*buf)]
	n := 0
	for {
		m, err := syscall.Read(fd, b[n:])
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read: %w", err)
		}
		if m == 0 {
			break
		}
		n += m
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

// openRead opens p for reading, retrying an interrupted call.
func openRead(p string) (int, error) {
	for {
		fd, err := syscall.Open(p, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
		if !errors.Is(err, syscall.EINTR) {
			return fd, err
		}
	}
}
