// Package reconciletest builds what reconcile tests need: a layer registry
// directory with real zips.
package reconciletest

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// Publish adds versions of layer (partition aws, region, account) to the
// directory registry at root, each a real zip holding one file that names
// its version.
func Publish(t testing.TB, root, region, account, layer string, versions ...int) {
	t.Helper()
	dir := filepath.Join(root, "aws", region, account, layer)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		f, err := os.Create(filepath.Join(dir, strconv.Itoa(v)+".zip"))
		if err != nil {
			t.Fatal(err)
		}
		z := zip.NewWriter(f)
		// One Python distribution whose version follows the layer's, so
		// a changelog between two versions has a package upgrade to show.
		w, _ := z.Create("python/lib/python3.12/site-packages/" + layer + "-" + strconv.Itoa(v) + ".0.0.dist-info/METADATA")
		w.Write([]byte("Metadata-Version: 2.1\nName: " + layer + "\nVersion: " + strconv.Itoa(v) + ".0.0\n"))
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		meta := `{"description":"` + layer + ` ` + strconv.Itoa(v) + `","compatible_runtimes":["python3.12"]}`
		if err := os.WriteFile(filepath.Join(dir, strconv.Itoa(v)+".json"), []byte(meta), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
