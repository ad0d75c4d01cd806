package rewrite

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/tools/txtar"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// checkScanFiles asserts that ScanFiles over a golden case's inputs finds
// what ScanPath finds in the directory they were written to.
func checkScanFiles(t *testing.T, dir string, inputs []txtar.File) {
	t.Helper()
	res, err := ScanPath(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := make([]ref.File, len(inputs))
	for i, f := range inputs {
		files[i] = ref.File{Path: f.Name, Src: f.Data}
	}
	// The order files are given in must not matter.
	for i, j := 0, len(files)-1; i < j; i, j = i+1, j-1 {
		files[i], files[j] = files[j], files[i]
	}
	refs, warns := ScanFiles(files)
	if diff := cmp.Diff(res.Refs, refs, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ScanFiles references differ from ScanPath's (-path +files):\n%s", diff)
	}
	if diff := cmp.Diff(res.Warnings, warns, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ScanFiles warnings differ from ScanPath's (-path +files):\n%s", diff)
	}
}

func TestScanFiles(t *testing.T) {
	t.Parallel()
	files := []ref.File{
		{Path: "infra/main.tf", Src: []byte(`resource "aws_lambda_function" "f" {
  layers = ["arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:${var.v}"]
}
`)},
		{Path: "infra/variables.tf", Src: []byte("variable \"v\" {\n  default = 46\n}\n")},
		// Another directory is another module: var.v is unknown there.
		{Path: "other/main.tf", Src: []byte(`locals { a = "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:${var.v}" }` + "\n")},
		{Path: "deploy.sh", Src: []byte("# " + pin + "\nLAYER=" + pin + "\n")},
		{Path: "broken/template.yaml", Src: []byte("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  - " + pin + "\n\t: x\n")},
		{Path: "README.md", Src: []byte(pin + "\n")},
		{Path: "docs/guide.markdown", Src: []byte(pin + "\n")},
		{Path: ".git/config", Src: []byte(pin + "\n")},
		{Path: "web/node_modules/pkg/x.sh", Src: []byte(pin + "\n")},
		{Path: "vendor/lib.sh", Src: []byte(pin + "\n")},
		{Path: "binary.bin", Src: []byte("\x00\x01" + pin)},
		{Path: "big.sh", Src: []byte(strings.Repeat("x", DefaultMaxFileSize) + pin)},
		{Path: "no-arn.txt", Src: []byte("nothing to see\n")},
	}
	refs, warns := ScanFiles(files)
	var got []string
	for _, r := range refs {
		v, at := "null", "null"
		if r.Version != nil {
			v = strconv.Itoa(*r.Version)
		}
		if r.VersionAt != nil {
			at = r.VersionAt.String()
		}
		got = append(got, r.Pos.String()+" "+string(r.Format)+" v="+v+" at="+at)
	}
	want := []string{
		"broken/template.yaml:3:5 text v=46 at=broken/template.yaml:3:77",
		"deploy.sh:2:7 text v=46 at=deploy.sh:2:79",
		"infra/main.tf:2:14 terraform v=46 at=infra/variables.tf:2:13",
		"other/main.tf:1:15 terraform v=null at=null",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
	// Skipped files are said, not silently dropped: big.sh is over the
	// size limit.
	if len(warns) != 2 || warns[0].File != "big.sh" || warns[0].Kind != problem.TooLarge ||
		warns[1].File != "broken/template.yaml" || warns[1].Kind != problem.Parse {
		t.Errorf("warnings %v, want two: big.sh too large, broken/template.yaml does not parse", warns)
	}
	if r, w := ScanFiles(nil); len(r) != 0 || len(w) != 0 {
		t.Errorf("no files: %v %v", r, w)
	}
}
