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
		{"live/.terragrunt-cache/x/main.tf", false},
		{"web/dist/app.js", false},
		{"build/out.json", false},
		{"builder/stack.ts", true},
		{"package-lock.json", false},
		{"Makefile", false},
	}
	for _, tc := range tests {
		if got := IsCandidate(tc.path); got != tc.want {
			t.Errorf("IsCandidate(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}
