// Package reconciletest builds what reconcile tests need: a layer registry
// directory with real zips.
package reconciletest

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/reconcile"
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

// Account is the account of the layers tests publish.
const Account = "123456789012"

// MainTF is a Terraform file pinning mylayer:3 in us-east-1 of Account.
const MainTF = `resource "aws_lambda_function" "f" {
  function_name = "f"
  runtime       = "python3.12"
  # pinned on purpose
  layers        = ["arn:aws:lambda:us-east-1:123456789012:layer:mylayer:3"]
}
`

// Planner returns a bump planner over a directory registry holding the
// given versions of mylayer in us-east-1 of Account, and that directory.
func Planner(t testing.TB, versions ...int) (reconcile.BumpPlanner, string) {
	t.Helper()
	root := t.TempDir()
	Publish(t, root, "us-east-1", Account, "mylayer", versions...)
	reg, err := layers.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	return reconcile.BumpPlanner{Registry: reg}, root
}
