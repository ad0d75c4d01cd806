package layerzip

import (
	"archive/zip"
	"bytes"
	"slices"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// The inventory lists the files a layer puts under /opt, sorted and once
// each, without directories or names that leave /opt, and the unzipped
// size counts every entry the central directory declares.
func TestInventoryFiles(t *testing.T) {
	t.Parallel()
	entries := []layerziptest.Entry{
		{Name: "python/requests/__init__.py", Data: []byte("x = 1\n")},
		{Name: "python/", Data: nil},
		{Name: "bin/jq", Data: bytes.Repeat([]byte{7}, 1000)},
		{Name: "../etc/passwd", Data: []byte("root")},
		{Name: "python/requests/api.py", Data: []byte("def get(): pass\n")},
	}
	z := layerziptest.BuildZip(t, entries, layerziptest.Shape{Method: zip.Deflate})
	inv := Inspect(bytes.NewReader(z), int64(len(z)), Limits{})
	want := []string{"bin/jq", "python/requests/__init__.py", "python/requests/api.py"}
	if !slices.Equal(inv.Files, want) || inv.FilesCut {
		t.Errorf("files %q (cut %v), want %q", inv.Files, inv.FilesCut, want)
	}
	if inv.UnzippedSize != 6+1000+4+16 {
		t.Errorf("unzipped size %d, want %d", inv.UnzippedSize, 6+1000+4+16)
	}
	cut := Inspect(bytes.NewReader(z), int64(len(z)), Limits{MaxFiles: 2})
	if len(cut.Files) != 2 || !cut.FilesCut {
		t.Errorf("MaxFiles 2: files %q, cut %v", cut.Files, cut.FilesCut)
	}
}
