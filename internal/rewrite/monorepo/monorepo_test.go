package monorepo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenerateSmall(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st, err := Generate(dir, Spec{Files: 200, Bytes: 200 << 10, IaCShare: 0.1, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 200 || st.IaCFiles != 20 || st.Pins < 20 {
		t.Fatalf("stats %+v", st)
	}
	if st.Bytes < 100<<10 || st.Bytes > 400<<10 {
		t.Errorf("generated %d bytes for a 200 KiB spec", st.Bytes)
	}
	pins := 0
	err = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		pins += strings.Count(string(b), ":layer:")
		return err
	})
	if err != nil || pins != st.Pins {
		t.Errorf("found %d pins on disk, stats say %d (%v)", pins, st.Pins, err)
	}
}
