package reconcile

import (
	"path"
	"strings"
)

// candidateExt are the extensions of files that can pin a layer version:
// Terraform, CloudFormation/SAM, Serverless, CDK code and config, and the
// JSON/YAML that any of them may read.
var candidateExt = []string{
	".tf", ".tf.json", ".hcl", ".tfvars", ".tfvars.json",
	".yaml", ".yml", ".json", ".template", ".toml",
	".ts", ".mts", ".cts", ".js", ".mjs", ".cjs", ".py", ".java", ".cs", ".go", ".kt", ".rb",
}

// skipDirs are directories that hold vendored or generated copies, never
// what a person pins.
var skipDirs = []string{"node_modules/", "vendor/", ".terraform/", "cdk.out/", ".serverless/", ".aws-sam/", "dist/", "build/"}

// IsCandidate reports whether a file at path (slash-separated, relative to
// the repository root) may hold a layer reference and is worth reading.
func IsCandidate(p string) bool {
	for _, d := range skipDirs {
		if strings.HasPrefix(p, d) || strings.Contains(p, "/"+d) {
			return false
		}
	}
	base := strings.ToLower(path.Base(p))
	if base == "package-lock.json" || base == "yarn.lock" || base == "go.sum" || base == "composer.lock" {
		return false
	}
	for _, ext := range candidateExt {
		if strings.HasSuffix(base, ext) {
			return true
		}
	}
	return false
}

// AllFiles is the candidate rule of a working tree: every file its forge
// lists is read, Makefiles, shell scripts and .env files included, so
// `bumpbot bump` finds what `bumpbot scan` finds.
func AllFiles(string) bool { return true }
