package rewrite

import (
	"path"
	"strings"
)

// skippedFiles are files that hold copies of other files' content or
// machine-written checksums, never a pin a person maintains.
var skippedFiles = map[string]bool{
	"package-lock.json": true, "npm-shrinkwrap.json": true, "yarn.lock": true, "pnpm-lock.yaml": true,
	"go.sum": true, "composer.lock": true, "cargo.lock": true, "poetry.lock": true, "gemfile.lock": true,
	"pipfile.lock": true, ".terraform.lock.hcl": true,
}

// binaryExts are extensions of files that are binary by format: reading
// them only to find a NUL byte costs a request per file in the App.
var binaryExts = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".ico": true, ".webp": true, ".bmp": true,
	".pdf": true, ".zip": true, ".gz": true, ".tgz": true, ".bz2": true, ".xz": true, ".7z": true, ".tar": true,
	".jar": true, ".war": true, ".class": true, ".so": true, ".dylib": true, ".dll": true, ".exe": true,
	".woff": true, ".woff2": true, ".ttf": true, ".otf": true, ".eot": true, ".mp3": true, ".mp4": true,
	".mov": true, ".wasm": true, ".pyc": true, ".o": true, ".a": true, ".bin": true,
}

// IsCandidate is the one rule, shared by `bumpbot scan`, `bumpbot bump`
// and the App, of which files of a tree are read: a slash-separated path
// relative to the root is a candidate unless it lies in SkippedDirs, is a
// lock file, is binary by its extension, or is Markdown (unless markdown).
// Makefiles, shell scripts, workflows and every other text file are
// candidates: a pin in them is a pin. Files over DefaultMaxFileSize and
// files with a NUL byte are skipped once read.
func IsCandidate(p string, markdown bool) bool {
	if InSkippedDir(path.Dir(p)) {
		return false
	}
	base := strings.ToLower(path.Base(p))
	if skippedFiles[base] || binaryExts[path.Ext(base)] {
		return false
	}
	return kindOf(p, markdown) != kindSkip
}

// treeKind is how a file found in a tree is scanned: as its name says,
// unless IsCandidate leaves it out.
func treeKind(rel string, markdown bool) kind {
	if !IsCandidate(rel, markdown) {
		return kindSkip
	}
	return kindOf(rel, markdown)
}
