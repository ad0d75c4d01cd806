package cloudformation

import (
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref/reftest"
)

// FuzzScan checks on any input: no panic, the bytes at every version_at
// are the version's digits, and splicing a new version there leaves a
// template that still parses, in which only the references sharing that
// literal changed.
func FuzzScan(f *testing.F) {
	for _, tmpl := range templates(f) {
		f.Add(tmpl.Src)
	}
	for _, s := range []string{
		"Resources: {F: {Type: AWS::Lambda::Function, Properties: {Layers: [!Sub 'arn:aws:lambda:${AWS::Region}:464622532012:layer:Datadog-Extension:${V}']}}}\nParameters: {V: {Default: 65}}\n",
		"Outputs:\n  A: &a !Join [':', [arn, aws, lambda, us-east-1, '464622532012', layer, X, '7']]\n  B: *a\n",
		"A: \"arn:aws:lambda:us-east-1:464622532012:layer:X:6\\x35\"\nB: >-\n  arn:aws:lambda:us-east-1:464622532012:layer:X:65\n",
		"a: &a [lambda, *a]\n",
		"A: \"\\\"\\\\ arn:aws:lambda:us-east-1:464622532012:layer:X\\u002dY:7\"\nB: \"x\\\n  arn:aws:lambda:us-east-1:464622532012:layer:X:8\n\n  y\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		files := []ref.File{{Path: "t.yaml", Src: src}}
		if _, warns := scanAs(ref.CloudFormation)(files); len(warns) != 0 {
			return
		}
		reftest.BumpEachAndRescan(t, scanAs(ref.CloudFormation), files, reftest.Options{Max: 3})
	})
}

// TestScanAliasBomb checks that self-referencing and exponentially
// branching aliases inside evaluated intrinsics finish quickly.
func TestScanAliasBomb(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, src string }{
		{"join of itself", "Outputs:\n  A: &a !Join ['', [*a, *a, arn:aws:lambda]]\n"},
		{"sub variable of itself", "Outputs:\n  A: &a !Sub ['${x}${x}', {x: *a}]  # lambda\n"},
		{"doubling chain", "a: &a [lambda, lambda]\nb: &b !Join ['', [*a, *a]]\nc: &c !Join ['', [*b, *b]]\nd: &d !Join ['', [*c, *c]]\ne: &e !Join ['', [*d, *d]]\nf: &f !Join ['', [*e, *e]]\ng: !Join ['', [*f, *f, *f, *f, *f, *f, *f, *f]]\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			refs, warns := Scan(ref.File{Path: "t.yaml", Src: []byte(tc.src)}, ref.CloudFormation)
			if len(refs) != 0 || len(warns) != 0 {
				t.Errorf("got %d references, warnings %v; want none", len(refs), warns)
			}
		})
	}
}
