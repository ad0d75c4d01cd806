package layerzip

import (
	"archive/zip"
	"os"
	"path/filepath"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

type entry = layerziptest.Entry
type shape = layerziptest.Shape

func loadTxtar(tb testing.TB, name string) []entry {
	return layerziptest.LoadTxtar(tb, filepath.Join("testdata", name))
}

func buildZip(tb testing.TB, e []entry, s shape) []byte { return layerziptest.BuildZip(tb, e, s) }

func randomBytes(n int, seed uint64) []byte { return layerziptest.RandomBytes(n, seed) }

var shapes = map[string]shape{
	"deflate+descriptor": {Method: zip.Deflate},
	"stored+descriptor":  {Method: zip.Store},
	"deflate-raw":        {Method: zip.Deflate, Raw: true},
	"stored-raw":         {Method: zip.Store, Raw: true},
	"zip64":              {Method: zip.Deflate, Zip64: true},
}

// writeTemp writes a zip to a temporary file and returns its file:// URL.
func writeTemp(tb testing.TB, data []byte) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "layer.zip")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return "file://" + filepath.ToSlash(p)
}
