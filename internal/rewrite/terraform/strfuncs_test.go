package terraform

import (
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// Layer names built with string functions from variable defaults are
// resolved: before, such a pin was not reported at all.
func TestStringFunctionsInNames(t *testing.T) {
	t.Parallel()
	src := `variable "python_version" { default = "3.12" }
variable "runtime" { default = "python3.12" }
variable "arch" { default = "X86_64" }
resource "aws_lambda_function" "f" {
  runtime = var.runtime
  layers = [
    "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python${replace(var.python_version, ".", "")}:98",
    "arn:aws:lambda:us-east-1:901920570463:layer:aws-otel-python-${lower(var.arch)}-ver-1-32-0:5",
  ]
}
`
	refs, warns := ScanModule([]ref.File{{Path: "main.tf", Src: []byte(src)}})
	if len(warns) != 0 {
		t.Fatalf("warnings %v", warns)
	}
	var names []string
	for _, r := range refs {
		names = append(names, r.Layer)
		if r.VersionAt == nil {
			t.Errorf("%s: the version digits are a literal and should be editable", r.Layer)
		}
	}
	if len(names) != 2 || names[0] != "Datadog-Python312" || names[1] != "aws-otel-python-x86_64-ver-1-32-0" {
		t.Errorf("layers %v", names)
	}
}
