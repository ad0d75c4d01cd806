package cloudformation

import (
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// Every document of a multi-document YAML file is scanned, each with its
// own parameters: before, only the first document was read.
func TestMultiDocument(t *testing.T) {
	t.Parallel()
	src := `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  A:
    Type: AWS::Lambda::Function
    Properties:
      Layers: [arn:aws:lambda:us-east-1:123456789012:layer:first:1]
---
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  V: {Type: String, Default: "7"}
Resources:
  B:
    Type: AWS::Lambda::Function
    Properties:
      Layers:
        - !Sub arn:aws:lambda:${AWS::Region}:123456789012:layer:second:${V}
`
	refs, warns := Scan(ref.File{Path: "t.yaml", Src: []byte(src)}, "")
	if len(warns) != 0 || len(refs) != 2 {
		t.Fatalf("refs %+v, warnings %v", refs, warns)
	}
	if refs[1].Layer != "second" || *refs[1].Version != 7 || refs[1].VersionAt == nil || refs[1].VersionAt.Line != 10 || refs[1].Line != 16 {
		t.Errorf("second document's reference: %+v at %v", refs[1], refs[1].VersionAt)
	}
}
