package bump

import (
	"context"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// A function with more than five layers is an error AWS would give at
// deployment; bump says so, located at the function's first layer.
func TestStackOfSixLayers(t *testing.T) {
	t.Parallel()
	var arns []string
	for i := range 6 {
		arns = append(arns, `"arn:aws:lambda:us-east-1:123456789012:layer:l`+string(rune('a'+i))+`:1"`)
	}
	tf := "resource \"aws_lambda_function\" \"f\" {\n  layers = [" + strings.Join(arns, ", ") + "]\n}\nresource \"aws_lambda_function\" \"g\" {\n  layers = [" + arns[0] + "]\n}\n"
	plan := PlanFiles(context.Background(), []ref.File{{Path: "main.tf", Src: []byte(tf)}}, testRegistry(t), Options{})
	var stack []problem.Problem
	for _, e := range plan.Errors {
		if e.Kind == problem.Stack {
			stack = append(stack, e)
		}
	}
	if len(stack) != 1 || stack[0].Error() != "main.tf:2:14: aws_lambda_function.f attaches 6 layers; AWS allows at most 5 per function: its deployments fail" {
		t.Errorf("stack problems %v", stack)
	}
	refs, _ := scanInput(Input{Files: []ref.File{{Path: "main.tf", Src: []byte(tf)}}})
	st := Stacks(refs)
	if len(st) != 2 || st[0].Function != "aws_lambda_function.f" || len(st[0].Layers) != 6 || len(st[1].Layers) != 1 {
		t.Errorf("stacks %+v", st)
	}
}

// A Pulumi YAML program's function is a stack of its own.
func TestPulumiStack(t *testing.T) {
	t.Parallel()
	src := "resources:\n  api:\n    type: aws:lambda:Function\n    properties:\n      layers:\n        - arn:aws:lambda:us-east-1:123456789012:layer:a:1\n        - arn:aws:lambda:us-east-1:123456789012:layer:b:2\n  other:\n    properties:\n      description: arn:aws:lambda:us-east-1:123456789012:layer:c:3\n"
	refs, _ := scanInput(Input{Files: []ref.File{{Path: "Pulumi.yaml", Src: []byte(src)}}})
	st := Stacks(refs)
	if len(refs) != 3 || len(st) != 1 || st[0].Function != "api" || len(st[0].Layers) != 2 {
		t.Errorf("refs %d, stacks %+v", len(refs), st)
	}
}

// Pulumi Python and TypeScript programs tie the ARNs written in a
// function resource's layers list to the function's logical name, and a
// function with six is an error.
func TestPulumiProgramStacks(t *testing.T) {
	t.Parallel()
	var arns []string
	for i := range 6 {
		arns = append(arns, `"arn:aws:lambda:us-east-1:123456789012:layer:l`+string(rune('a'+i))+`:1"`)
	}
	py := "import pulumi_aws as aws\n\nfn = aws.lambda_.Function(\n    \"ingest\",\n    runtime=\"python3.12\",\n    layers=[" + strings.Join(arns, ", ") + "],\n)\n"
	ts := "import * as aws from \"@pulumi/aws\";\nnew aws.lambda.Function(\"api\", {\n  layers: [" + arns[0] + "],\n}, {protect: true});\n" +
		"new aws.lambda.LayerVersionPermission(\"share\", {layers: [" + arns[1] + "]});\n"
	files := []ref.File{{Path: "__main__.py", Src: []byte(py)}, {Path: "index.ts", Src: []byte(ts)}}
	refs, _ := scanInput(Input{Files: files})
	st := Stacks(refs)
	if len(refs) != 8 || len(st) != 2 || st[0].Function != "ingest" || len(st[0].Layers) != 6 || st[1].Function != "api" || len(st[1].Layers) != 1 {
		t.Fatalf("refs %d, stacks %+v", len(refs), st)
	}
	if probs := StackProblems(st); len(probs) != 1 || !strings.Contains(probs[0].Error(), "ingest attaches 6 layers") {
		t.Errorf("stack problems %v", probs)
	}
}
