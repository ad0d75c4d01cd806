package cloudformation

import (
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

func TestDetect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		src    string
		want   ref.Format
		wantOK bool
	}{
		{"cloudformation yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n", ref.CloudFormation, true},
		{"resources of aws types without version", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", ref.CloudFormation, true},
		{"sam transform string", "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n", ref.SAM, true},
		{"sam transform in a list", "AWSTemplateFormatVersion: '2010-09-09'\nTransform:\n  - AWS::LanguageExtensions\n  - AWS::Serverless-2016-10-31\n", ref.SAM, true},
		{"json template", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}`, ref.CloudFormation, true},
		{"json sam", `{"Transform": "AWS::Serverless-2016-10-31", "Resources": {"F": {"Type": "AWS::Serverless::Function"}}}`, ref.SAM, true},
		{"broken template is still claimed", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  - : :\n\t\n", ref.CloudFormation, true},
		{"broken sam template is still claimed", "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources: [\n", ref.SAM, true},
		{"serverless framework nests resources", "service: api\nprovider: {name: aws}\nresources:\n  Resources:\n    Q:\n      Type: AWS::SQS::Queue\n", "", false},
		{"kubernetes manifest", "apiVersion: v1\nkind: ConfigMap\ndata:\n  Resources: AWS::none\n", "", false},
		{"github workflow", "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sam deploy\n", "", false},
		{"resources not of aws types", "Resources:\n  Q:\n    Type: Custom::Thing\n# AWS::SQS::Queue\n", "", false},
		{"version named in prose only", "# see AWSTemplateFormatVersion docs\nname: x\n", "", false},
		{"broken file with nested resources", "service: x\nresources:\n  Resources: [\n    Type: AWS::SQS::Queue\n", "", false},
		{"broken template without version", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  - x\n", ref.CloudFormation, true},
		{"empty", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := Detect([]byte(tc.src))
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("Detect = %q, %v; want %q, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestDetectTestdata(t *testing.T) {
	t.Parallel()
	for _, f := range templates(t) {
		if _, ok := Detect(f.Src); !ok {
			t.Errorf("%s: not detected as a template", f.Path)
		}
	}
}
