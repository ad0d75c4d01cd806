package rewrite

import (
	"bytes"
	"errors"
	"sort"
	"strconv"
	"testing"
)

// FuzzApply is the edit engine's property over every format: scanning never
// panics, Apply with no edits returns the input unchanged, and moving every
// located version up by one either is refused as a whole or changes nothing
// but those digits and leaves a file that still scans to the same
// references.
func FuzzApply(f *testing.F) {
	seeds := []struct{ name, src string }{
		{"deploy.sh", "LAYER=" + pin + " # " + pin + "\n"},
		{"wf.yml", wf},
		{"main.tf", `resource "aws_lambda_function" "f" {
  layers = ["` + pin + `", "arn:aws:lambda:${var.region}:017000801446:layer:X:${var.v}"]
}
variable "v" { default = 12 }
`},
		{"template.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Layers:\n        - !Sub arn:aws:lambda:${AWS::Region}:017000801446:layer:P:46\n"},
		{"serverless.yml", "service: s\nprovider:\n  layers:\n    - " + pin + "\n"},
		{"cdk.json", `{"context": {"layer": "` + pin + `"}}`},
		{"stack.ts", "const a = `arn:aws:lambda:${this.region}:017000801446:layer:P:46`; // " + pin + "\n"},
	}
	for _, s := range seeds {
		f.Add(s.name, []byte(s.src))
	}
	f.Fuzz(func(t *testing.T, name string, src []byte) {
		if len(name) > 64 {
			return
		}
		refs, _ := ScanFile(name, src)
		same, err := Apply(name, src, nil)
		if err != nil || !bytes.Equal(same, src) {
			t.Fatalf("Apply with no edits changed the input (err %v)", err)
		}
		var edits []Edit
		seen := map[int]bool{}
		for _, r := range refs {
			if r.VersionAt == nil || r.VersionAt.File != name {
				continue
			}
			if got := string(src[r.VersionAt.Offset : r.VersionAt.Offset+r.VersionLen]); got != strconv.Itoa(*r.Version) {
				t.Fatalf("%s: version_at points at %q, version is %d", r.Pos, got, *r.Version)
			}
			if e, ok := EditFor(r, *r.Version+1); ok && !seen[e.Offset] {
				seen[e.Offset] = true
				edits = append(edits, e)
			}
		}
		out, err := Apply(name, src, edits)
		if err != nil {
			if !errors.Is(err, ErrRefused) || out != nil {
				t.Fatalf("a failed Apply must be a refusal with no bytes: %v", err)
			}
			return
		}
		if !onlyDigitsChanged(src, out, edits) {
			t.Fatalf("Apply changed more than the version digits:\n%q\n%q", src, out)
		}
	})
}

// onlyDigitsChanged checks that out is src with each edit's digits
// replaced and nothing else touched.
func onlyDigitsChanged(src, out []byte, edits []Edit) bool {
	edits = append([]Edit(nil), edits...)
	sort.Slice(edits, func(i, j int) bool { return edits[i].Offset > edits[j].Offset })
	want := append([]byte(nil), src...)
	for _, e := range edits { // from the end, so earlier offsets stay valid
		tail := append([]byte(strconv.Itoa(e.To)), want[e.Offset+e.Len:]...)
		want = append(want[:e.Offset], tail...)
	}
	return bytes.Equal(want, out)
}
