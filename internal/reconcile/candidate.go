package reconcile

import (
	"path"
	"strings"

	"github.com/bumpbot/bumpbot/internal/rewrite"
)

// candidateExt are the extensions of files that can pin a layer version:
// Terraform, CloudFormation/SAM, Serverless, CDK code and config, and the
// JSON/YAML that any of them may read.
var candidateExt = []string{
	".tf", ".tf.json", ".hcl", ".tfvars", ".tfvars.json",
	".yaml", ".yml", ".json", ".template", ".toml",
	".ts", ".mts", ".cts", ".js", ".mjs", ".cjs", ".py", ".java", ".cs", ".go", ".kt", ".rb",
}

// buildDirs hold build output the scanner would read but a repository
// only carries by accident; on top of the scanner's own rewrite.SkippedDirs
// (dependencies, caches) the app does not fetch them.
var buildDirs = map[string]bool{"dist": true, "build": true}

// IsCandidate reports whether a file at path (slash-separated, relative to
// the repository root) may hold a layer reference and is worth reading.
func IsCandidate(p string) bool {
	dir := path.Dir(p)
	if rewrite.InSkippedDir(dir) {
		return false
	}
	for _, name := range strings.Split(dir, "/") {
		if buildDirs[name] {
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
