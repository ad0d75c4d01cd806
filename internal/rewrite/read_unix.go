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
func readCandidate(p string, limit int64, buf *[]byte) ([]byte, error) {
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
	return fill(func(b []byte) (int, error) {
		for {
			n, err := syscall.Read(fd, b)
			if !errors.Is(err, syscall.EINTR) {
				return max(n, 0), err // -1 with an error
			}
		}
	}, st.Size, limit, buf)
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
