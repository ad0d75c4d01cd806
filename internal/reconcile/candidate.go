package reconcile

import (
	"bytes"
	"path"
	"slices"
	"strings"

	"github.com/bumpbot/bumpbot/internal/layerarn"
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

// hclExt are the extensions of HCL files: the files of one directory are
// one Terraform module, where a version pinned through a variable may
// live in a file that names no layer at all.
var hclExt = []string{".tf", ".tf.json", ".hcl", ".tfvars"}

// buildExt are the extensions of the other formats that can assemble an
// ARN from parts (CloudFormation, SAM, Serverless, CDK context): the
// scanner parses them when they name "lambda". Any other file must name
// ":layer:".
var buildExt = []string{".yaml", ".yml", ".json", ".template"}

// worthPlanning drops, before planning, files the scanner would not parse
// anyway, by the scanner's own rules, which bounds what a large working
// tree keeps in memory: binary files (a NUL byte in the first 8000 bytes,
// git's rule) and files that fail the byte prefilter of their kind (see
// layerarn.MayBuildARN and MayHoldARN), except HCL files (see hclExt).
func worthPlanning(p string, src []byte) bool {
	if bytes.IndexByte(src[:min(len(src), 8000)], 0) >= 0 {
		return false
	}
	base := strings.ToLower(path.Base(p))
	hasExt := func(exts []string) bool {
		return slices.ContainsFunc(exts, func(ext string) bool { return strings.HasSuffix(base, ext) })
	}
	switch {
	case hasExt(hclExt):
		return true
	case hasExt(buildExt):
		return layerarn.MayBuildARN(src)
	}
	return layerarn.MayHoldARN(src)
}
