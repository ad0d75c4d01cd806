// Package rewrite finds pinned layer versions in a tree of files and edits
// them: it picks the right format parser for each file, falls back to
// literal detection when a parser fails, and applies byte-exact edits that
// are verified by scanning the result again.
package rewrite

import (
	"path"
	"strings"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/rewrite/cloudformation"
	"github.com/bumpbot/bumpbot/internal/rewrite/pulumi"
	"github.com/bumpbot/bumpbot/internal/rewrite/text"
)

// kind is how a file is scanned.
type kind int

const (
	kindSkip kind = iota
	kindTerraform
	kindServerless
	kindCDKContext
	kindPulumiYAML
	kindSource
	kindStructured // YAML or JSON: a template if its content says so, else text
	kindText
)

// sourceExts are CDK app languages: their string literals are scanned.
var sourceExts = map[string]bool{
	".ts": true, ".tsx": true, ".mts": true, ".cts": true,
	".js": true, ".jsx": true, ".mjs": true, ".cjs": true, ".kts": true,
	".py": true, ".java": true, ".cs": true, ".go": true, ".kt": true,
}

// kindOf classifies a file by name. Markdown is skipped unless asked for.
func kindOf(name string, markdown bool) kind {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/")))
	ext := path.Ext(base)
	switch {
	case base == "serverless.yml" || base == "serverless.yaml":
		return kindServerless
	case base == "cdk.json" || base == "cdk.context.json":
		return kindCDKContext
	case pulumi.IsProjectFile(base):
		return kindPulumiYAML
	case strings.HasSuffix(base, ".tf.json") || ext == ".tf" || ext == ".hcl" || ext == ".tfvars":
		return kindTerraform
	case ext == ".md" || ext == ".markdown" || ext == ".mdx":
		if markdown {
			return kindText
		}
		return kindSkip
	case sourceExts[ext]:
		return kindSource
	case ext == ".yaml" || ext == ".yml" || ext == ".json" || ext == ".template":
		return kindStructured
	}
	return kindText
}

// worthParsing is the byte prefilter: a file that cannot hold a layer ARN
// is never parsed. Formats that can assemble an ARN from parts use the
// looser filter.
func worthParsing(k kind, src []byte) bool {
	switch k {
	case kindStructured:
		// YAML and JSON that is not a template is scanned as text, which
		// needs a literal ARN: only templates may assemble one.
		if layerarn.MayHoldARN(src) {
			return true
		}
		if !layerarn.MayBuildARN(src) {
			return false
		}
		_, template := cloudformation.Detect(src)
		return template
	case kindTerraform, kindServerless, kindCDKContext, kindPulumiYAML:
		return layerarn.MayBuildARN(src)
	case kindSource, kindText:
		return layerarn.MayHoldARN(src)
	}
	return false
}

// Worth reports whether a file is worth keeping for a scan, by the
// scanner's own rules: a binary file never is (a NUL byte in the first 8000
// bytes, as git decides), an HCL file or a Pulumi stack file always is (the
// version a module or a program pins through a variable may sit in a file
// that names no layer), and any other
// file is when it passes the byte prefilter of its kind. Markdown counts
// as text here: whether to scan it is the caller's choice.
func Worth(path string, src []byte) bool {
	if isBinary(src) {
		return false
	}
	k := kindOf(path, true)
	return k == kindTerraform || pulumi.IsStackFile(path) || worthParsing(k, src)
}

// commentsFor is the comment syntax used by the literal fallback.
func commentsFor(name string) text.Comments { return text.CommentsFor(name) }
