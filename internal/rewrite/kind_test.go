package rewrite

import "testing"

func TestWorth(t *testing.T) {
	t.Parallel()
	pin := "arn:aws:lambda:us-east-1:123456789012:layer:x:1"
	template := "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  F:\n    Type: AWS::Lambda::Function\n" +
		"    Properties:\n      Layers: [!Join [\":\", [arn, aws, lambda, us-east-1, '123456789012', layer, x, '1']]]\n"
	tests := []struct {
		name, path, src string
		want            bool
	}{
		{"pin in a script", "deploy.sh", pin, true},
		{"python naming lambda, no pin", "app.py", "f = lambda x: x", false},
		{"template assembling an ARN", "template.yaml", template, true},
		{"workflow naming lambda, no pin", "ci.yml", "steps:\n  - run: deploy the lambda\n", false},
		{"json naming lambda, no pin", "config.json", `{"lambda": true}`, false},
		{"json with a pin", "config.json", `{"layer": "` + pin + `"}`, true},
		{"serverless naming lambda", "serverless.yml", "provider:\n  name: aws # lambda\n", true},
		{"pulumi program assembling an ARN", "Pulumi.yaml", "resources:\n  f:\n    type: aws:lambda:Function\n", true},
		{"pulumi program without lambda", "Pulumi.yaml", "name: web\nruntime: nodejs\n", false},
		{"pulumi stack config holding a version", "infra/Pulumi.prod.yaml", "config:\n  api:layerVersion: \"80\"\n", true},
		{"json without lambda", "package.json", `{"name": "x"}`, false},
		{"terraform variables", "infra/variables.tf", "variable \"v\" {\n  default = 3\n}\n", true},
		{"terraform json", "main.TF.JSON", "{}", true},
		{"binary with a pin", "blob.bin", "\x00" + pin, false},
		{"binary terraform", "main.tf", "\x00" + pin, false},
		{"markdown with a pin", "NOTES.md", pin, true},
	}
	for _, tc := range tests {
		if got := Worth(tc.path, []byte(tc.src)); got != tc.want {
			t.Errorf("%s: Worth(%q) = %v, want %v", tc.name, tc.path, got, tc.want)
		}
	}
}
