package reconcile

import "testing"

func TestIsCandidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path string
		want bool
	}{
		{"main.tf", true},
		{"infra/stack.tf.json", true},
		{"terragrunt.hcl", true},
		{"prod.tfvars", true},
		{"template.yaml", true},
		{"serverless.yml", true},
		{"cdk.json", true},
		{"stack.template", true},
		{"lib/stack.ts", true},
		{"app.py", true},
		{"src/Main.java", true},
		{"Stack.cs", true},
		{"main.go", true},
		{"README.md", false},
		{"image.png", false},
		{"node_modules/x/index.js", false},
		{"web/node_modules/x/index.js", false},
		{"cdk.out/manifest.json", false},
		{"package-lock.json", false},
		{"Makefile", false},
	}
	for _, tc := range tests {
		if got := IsCandidate(tc.path); got != tc.want {
			t.Errorf("IsCandidate(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

func TestWorthPlanning(t *testing.T) {
	t.Parallel()
	pin := "arn:aws:lambda:us-east-1:1:layer:x:1"
	tests := []struct {
		name, path, src string
		want            bool
	}{
		{"pin in a script", "deploy.sh", pin, true},
		{"python naming lambda, no pin", "app.py", "f = lambda x: x", false},
		{"template naming lambda", "template.yaml", "Layers: [!Join [\":\", [arn, aws, lambda]]]", true},
		{"json without lambda", "package.json", `{"name": "x"}`, false},
		{"terraform variables", "infra/variables.tf", "variable \"v\" {\n  default = 3\n}\n", true},
		{"terraform json", "main.TF.JSON", "{}", true},
		{"binary with a pin", "blob.bin", "\x00" + pin, false},
		{"markdown with a pin", "NOTES.md", pin, true},
	}
	for _, tc := range tests {
		if got := worthPlanning(tc.path, []byte(tc.src)); got != tc.want {
			t.Errorf("%s: worthPlanning(%q) = %v, want %v", tc.name, tc.path, got, tc.want)
		}
	}
}
