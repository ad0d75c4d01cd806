package bump

import (
	"context"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// A pin on :latest (or $LATEST) is a note naming the newest version, and
// the plan's edit writes that number where the word was; a word the file
// assembles (a variable that is not a default) is noted without an edit.
func TestNonNumericPins(t *testing.T) {
	t.Parallel()
	tf := "resource \"aws_lambda_function\" \"f\" {\n" +
		"  layers = [\"arn:aws:lambda:us-east-1:" + acct + ":layer:a:latest\", \"arn:aws:lambda:us-east-1:" + acct + ":layer:b:$LATEST\"]\n}\n"
	yml := "functions:\n  hello:\n    handler: h.main\n    layers:\n      - arn:aws:lambda:us-east-1:" + acct + ":layer:nope:latest\n"
	plan := PlanFiles(context.Background(), []ref.File{{Path: "main.tf", Src: []byte(tf)}, {Path: "serverless.yml", Src: []byte(yml)}}, testRegistry(t), Options{})
	got := summarize(plan)
	matchAll(t, "note", []string{
		`[not-numeric] main.tf:2:14: arn:aws:lambda:us-east-1:` + acct + `:layer:a:latest: version "latest" is not a number, and AWS accepts only version numbers in a layer ARN: its deployments fail; the newest version is 7, pin it`,
		`[not-numeric] main.tf:2:70: arn:aws:lambda:us-east-1:` + acct + `:layer:b:$LATEST: version "$LATEST" is not a number, and AWS accepts only version numbers in a layer ARN: its deployments fail; the newest version is 4, pin it`,
		`[not-numeric] serverless.yml:5:9: arn:aws:lambda:us-east-1:` + acct + `:layer:nope:latest: version "latest" is not a number`,
	}, got.Notes)
	if len(got.Errors) != 0 {
		t.Errorf("errors %q", got.Errors)
	}
	if len(plan.Files) != 1 {
		t.Fatalf("files %d, want main.tf edited", len(plan.Files))
	}
	want := strings.Replace(strings.Replace(tf, "a:latest", "a:7", 1), "b:$LATEST", "b:4", 1)
	if string(plan.Files[0].After) != want {
		t.Errorf("after:\n%s\nwant:\n%s", plan.Files[0].After, want)
	}
	if len(plan.Changes) != 2 || plan.Changes[0].FromText != "latest" || plan.Changes[0].To != 7 || plan.Changes[0].ARNFrom != "arn:aws:lambda:us-east-1:"+acct+":layer:a:latest" {
		t.Errorf("changes %+v", plan.Changes)
	}
}

// A layer name built from a variable without a default is reported as
// written with a note, not looked up, and kept out of the layer index.
func TestUnresolvedLayerName(t *testing.T) {
	t.Parallel()
	tf := "variable \"runtime\" {}\nresource \"aws_lambda_function\" \"f\" {\n  runtime = var.runtime\n" +
		"  layers = [\"arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python${replace(var.runtime, \".\", \"\")}:98\"]\n}\n"
	plan := PlanFiles(context.Background(), []ref.File{{Path: "main.tf", Src: []byte(tf)}}, testRegistry(t), Options{})
	got := summarize(plan)
	matchAll(t, "note", []string{"[placeholder] main.tf:4:14: arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python${replace(var.runtime, '.', '')}:98: the layer name Datadog-Python${replace(var.runtime, '.', '')} is built from a value the files do not give"}, got.Notes)
	if len(got.Errors) != 0 || len(got.Changes) != 0 || len(plan.Pins) != 0 {
		t.Errorf("errors %q, changes %q, pins %d", got.Errors, got.Changes, len(plan.Pins))
	}
}
