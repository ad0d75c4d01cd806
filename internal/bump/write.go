package bump

import (
	"fmt"
	"os"
	"path/filepath"
)

func readFile(p string) ([]byte, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return b, nil
}

// Write writes every edited file in place; osPath maps a plan path to the
// file on disk. Each file is written to a temporary file in its own
// directory and renamed over the original, keeping its mode, so a reader
// never sees half a file. It stops at the first failure.
func (p Plan) Write(osPath func(string) string) error {
	for _, f := range p.Files {
		if err := writeAtomic(osPath(f.Path), f.After); err != nil {
			return err
		}
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".bumpbot-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(st.Mode().Perm())
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
