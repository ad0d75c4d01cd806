// Package pulumi finds pinned layer versions in Pulumi programs: the
// string literals of Python and TypeScript (or JavaScript) programs,
// pulumi.Output.concat(...) calls and pulumi.interpolate templates
// included, and Pulumi YAML programs (Pulumi.yaml), with their config
// defaults and variables and fn::join followed where they are static.
package pulumi

import (
	"bytes"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/cdk"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// markers are what a Pulumi program imports, in TypeScript/JavaScript
// ("@pulumi/pulumi", "@pulumi/aws") and Python ("import pulumi",
// "pulumi_aws").
var markers = [][]byte{[]byte("@pulumi/"), []byte("import pulumi"), []byte("from pulumi"), []byte("pulumi_aws")}

// IsProgram reports whether a source file is a Pulumi program by its
// imports.
func IsProgram(src []byte) bool {
	for _, m := range markers {
		if bytes.Contains(src, m) {
			return true
		}
	}
	return false
}

// functions are the constructors of a Lambda function resource: aws.lambda.Function
// in TypeScript, aws.lambda_.Function in Python.
var functions = []string{"lambda.Function", "lambda_.Function"}

// ScanSource scans a Python, TypeScript or JavaScript Pulumi program: its
// string literals and + chains as a CDK app's, a call of Output.concat
// (pulumi.concat in TypeScript) as the concatenation of its arguments,
// and a pulumi.interpolate template as the template it is, its ${...}
// expressions placeholders. An ARN in the layers list of a function
// resource (aws.lambda_.Function("api", layers=[…]) in Python,
// new aws.lambda.Function("api", {layers: […]}) in TypeScript) has the
// context resources.api.properties.layers[i], as in a YAML program, which
// ties it to its function. References are of format pulumi.
func ScanSource(f ref.File) ([]ref.Reference, []problem.Problem) {
	return cdk.ScanSourceWith(f, cdk.SourceOptions{Format: ref.Pulumi, Concat: []string{"concat"}, Resources: functions})
}
