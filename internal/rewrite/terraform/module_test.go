package terraform

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

func TestScanModuleBrokenFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		archive  string
		warnFile string
		warnLine int
		refs     int // references from the files that parse
	}{
		{
			name: "native syntax error",
			archive: `-- broken.tf --
resource "aws_lambda_function" "x" {
  layers = ["arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:65"
}
-- ok.tf --
locals { a = "` + klayers + `" }
`,
			warnFile: "broken.tf", warnLine: 3, refs: 1,
		},
		{
			name: "JSON syntax error",
			archive: `-- main.tf.json --
{"locals": {"a": "` + klayers + `",}}
-- ok.tf --
locals { b = "` + insights + `" }
`,
			warnFile: "main.tf.json", warnLine: 1, refs: 1,
		},
		{
			name: "unclosed interpolation",
			archive: `-- main.tf --
locals {
  a = "arn:aws:lambda:${var.region:464622532012:layer:Datadog-Extension:65"
}
`,
			warnFile: "main.tf", warnLine: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			refs, warns := ScanModule(parseArchive(tc.archive))
			if len(warns) != 1 {
				t.Fatalf("warnings %v, want one", warns)
			}
			w := warns[0]
			if w.Kind != problem.Parse || w.File != tc.warnFile || w.Line != tc.warnLine || w.Message == "" {
				t.Errorf("warning %+v, want unparsed %s:%d", w, tc.warnFile, tc.warnLine)
			}
			if len(refs) != tc.refs {
				t.Errorf("got %d references, want %d", len(refs), tc.refs)
			}
			for _, r := range refs {
				if r.File == tc.warnFile {
					t.Errorf("reference from the unparsed file: %s", describe(r))
				}
			}
		})
	}
}

// A file scanned on its own (how an edit is verified) cannot see the
// variables of its module: the reference is still found, with the
// variable as a placeholder.
func TestScanModuleSubset(t *testing.T) {
	t.Parallel()
	files := parseArchive(`-- main.tf --
resource "aws_lambda_function" "api" {
  layers = ["arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:${var.dd}"]
}
-- variables.tf --
variable "dd" { default = 65 }
`)
	full, _ := ScanModule(files)
	alone, _ := ScanModule(files[:1])
	if len(full) != 1 || full[0].Version == nil || *full[0].Version != 65 || full[0].VersionAt.File != "variables.tf" {
		t.Fatalf("whole module: %v", full)
	}
	if len(alone) != 1 || alone[0].Version != nil || !strings.HasSuffix(alone[0].ARN, ":${var.dd}") {
		t.Fatalf("main.tf alone: %v", alone)
	}
	if none, _ := ScanModule(files[1:]); len(none) != 0 {
		t.Errorf("variables.tf alone: %v", none)
	}
	if none, _ := ScanModule(nil); len(none) != 0 {
		t.Errorf("no files: %v", none)
	}
}

func TestScanModuleFields(t *testing.T) {
	t.Parallel()
	files := parseArchive(`-- main.tf --
locals {
  cn = "arn:aws-cn:lambda:cn-northwest-1:498634801083:layer:AWSLambdaPowertoolsPythonV2:40"
  ph = "arn:${data.aws_partition.current.partition}:lambda:${var.region}:${local.account}:layer:x:${var.v}"
}
`)
	refs, _ := ScanModule(files)
	if len(refs) != 2 {
		t.Fatalf("got %d references", len(refs))
	}
	got := []string{}
	for _, r := range refs {
		got = append(got, strings.Join([]string{r.Partition, r.Region, r.Account, r.Layer}, " "))
	}
	want := []string{
		"aws-cn cn-northwest-1 498634801083 AWSLambdaPowertoolsPythonV2",
		"${data.aws_partition.current.partition} ${var.region} ${local.account} x",
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("reference %d: %q, want %q", i, got[i], want[i])
		}
	}
}

// Long chains of locals and deeply nested expressions end in placeholders,
// not in a stack overflow.
func TestScanModuleDeep(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	// far is walked first and needs 500 hops: past the depth bound it
	// stays a placeholder. near needs 10.
	b.WriteString("locals {\n")
	b.WriteString(`  far = "arn:aws:lambda:us-east-1:123456789012:layer:far:${local.l0}"` + "\n")
	b.WriteString(`  near = "arn:aws:lambda:us-east-1:123456789012:layer:near:${local.l490}"` + "\n")
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&b, "  l%d = local.l%d\n", i, i+1)
	}
	b.WriteString("  l500 = 7\n")
	b.WriteString(`  nested = ` + strings.Repeat("[", 300) + `"` + klayers + `"` + strings.Repeat("]", 300) + "\n")
	b.WriteString("}\n")
	refs, warns := ScanModule([]ref.File{{Path: "main.tf", Src: []byte(b.String())}})
	if len(warns) > 0 {
		t.Fatal(warns)
	}
	byLayer := map[string]ref.Reference{}
	for _, r := range refs {
		byLayer[r.Layer] = r
	}
	if r := byLayer["near"]; r.Version == nil || *r.Version != 7 || r.VersionAt == nil {
		t.Errorf("near: %s", describe(r))
	}
	if r, ok := byLayer["far"]; !ok || r.Version != nil {
		t.Errorf("far: want a placeholder version, got %s", describe(r))
	}
	if _, ok := byLayer["Klayers-p312-requests"]; !ok {
		t.Errorf("nested list literal not found: %v", refs)
	}
}
