package worktree

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// readRegular reads name under root, refusing anything that is not a
// regular file when opened: a FIFO swapped in would block a plain read
// forever, so the file is opened non-blocking and checked before a byte
// is read.
func readRegular(root *os.Root, name string) ([]byte, error) {
	f, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s)", name, info.Mode().Type())
	}
	return io.ReadAll(f)
}

// replace writes data over the regular file name under root: a temporary
// file in the same directory is written, given the original's mode (and,
// when bumpbot runs as root, its owner and group), then renamed over it,
// so a reader never sees half a file and a failure leaves the original.
// A read-only file and a file with several hard links are refused: the
// rename would silently break the user's protection or the other links.
func replace(root *os.Root, name string, data []byte) error {
	info, err := root.Lstat(name)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file (%s): not replaced", name, info.Mode().Type())
	}
	if info.Mode().Perm()&0o200 == 0 {
		return errors.New("the file is read-only: not replaced")
	}
	st, _ := info.Sys().(*syscall.Stat_t)
	if st != nil && st.Nlink > 1 {
		return fmt.Errorf("the file has %d hard links: not replaced (that would split them)", st.Nlink)
	}
	tmp, f, err := createTemp(root, name)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(info.Mode().Perm())
	}
	if err == nil && st != nil && os.Geteuid() == 0 {
		err = f.Chown(int(st.Uid), int(st.Gid))
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, name)
	}
	if err != nil {
		root.Remove(tmp)
	}
	return err
}

// createTemp creates a new, empty file beside name under root.
func createTemp(root *os.Root, name string) (string, *os.File, error) {
	dir, base := filepath.Split(name)
	seed := time.Now().UnixNano()
	for i := range 100 {
		tmp := filepath.Join(dir, "."+base+".bumpbot-"+strconv.FormatInt(seed+int64(i), 36))
		f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			return tmp, f, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", nil, err
		}
	}
	return "", nil, errors.New("cannot create a temporary file beside it")
}
