package rewrite

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const pin = "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:46"

func TestScanPathSkips(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	outside := t.TempDir()
	files := map[string]string{
		"deploy.sh":                         "LAYER=" + pin + "\n",
		"sub/dir/config.env":                "X=" + pin + "\n",
		"README.md":                         pin + "\n",
		".git/config":                       pin + "\n",
		"node_modules/pkg/index.sh":         pin + "\n",
		".terraform/modules/m/x.sh":         pin + "\n",
		"cdk.out/asset.sh":                  pin + "\n",
		".aws-sam/build/template.sh":        pin + "\n",
		"vendor/lib.sh":                     pin + "\n",
		"binary.bin":                        "\x00\x01" + pin,
		"no-arn.txt":                        "nothing to see\n",
		"deep/nested/node_modules/x/y.conf": pin + "\n",
	}
	for name, data := range files {
		writeFile(t, filepath.Join(root, name), []byte(data))
	}
	writeFile(t, filepath.Join(outside, "secret.sh"), []byte(pin+"\n"))
	if err := os.Symlink(filepath.Join(outside, "secret.sh"), filepath.Join(root, "outside-link.sh")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "deploy.sh"), filepath.Join(root, "inside-link.sh")); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 2048) + pin
	writeFile(t, filepath.Join(root, "big.sh"), []byte(big))

	res, err := ScanPath(root, Options{MaxFileSize: 1024})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Refs {
		got = append(got, r.File)
	}
	want := []string{"deploy.sh", "inside-link.sh", "sub/dir/config.env"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scanned files (-want +got):\n%s", diff)
	}

	md, err := ScanPath(root, Options{Markdown: true, MaxFileSize: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if len(md.Refs) != len(want)+1 || md.Refs[0].File != "README.md" {
		t.Errorf("--markdown: got %d references, first in %s", len(md.Refs), md.Refs[0].File)
	}
}

func TestScanPathFileArgument(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	p := filepath.Join(root, "deploy.sh")
	writeFile(t, p, []byte("# comment "+pin+"\nLAYER="+pin+"\n"))
	res, err := ScanPath(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Refs) != 1 {
		t.Fatalf("got %d references, want 1 (the commented one is not a pin)", len(res.Refs))
	}
	r := res.Refs[0]
	if r.File != p || res.OSPath(r.File) != p || r.Line != 2 || r.Column != 7 {
		t.Errorf("reference at %s (OSPath %s), want %s:2:7", r.Pos, res.OSPath(r.File), p)
	}
	if _, err := ScanPath(filepath.Join(root, "missing"), Options{}); err == nil {
		t.Error("scanning a missing path did not fail")
	}
}
