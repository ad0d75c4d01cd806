package rewrite

import (
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/cdk"
	"github.com/bumpbot/bumpbot/internal/rewrite/cloudformation"
	"github.com/bumpbot/bumpbot/internal/rewrite/pulumi"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/serverless"
	"github.com/bumpbot/bumpbot/internal/rewrite/terraform"
	"github.com/bumpbot/bumpbot/internal/rewrite/text"
)

// ScanFile scans one file on its own. Terraform files are scanned as a
// module of one file, so a version kept in a variable of another file of
// the module is not resolved here (ScanPath scans whole modules).
func ScanFile(path string, src []byte) ([]ref.Reference, []problem.Problem) {
	k := kindOf(path, true)
	if k == kindTerraform {
		return scanModule([]ref.File{{Path: path, Src: src}})
	}
	return scanOne(ref.File{Path: path, Src: src}, k)
}

// scanOne scans a non-Terraform file of a known kind.
func scanOne(f ref.File, k kind) ([]ref.Reference, []problem.Problem) {
	var refs []ref.Reference
	var warns []problem.Problem
	switch k {
	case kindServerless:
		refs, warns = serverless.Scan(f)
	case kindCDKContext:
		refs, warns = cdk.ScanContext(f)
	case kindPulumiYAML:
		refs, warns = pulumi.ScanYAML(f)
	case kindSource:
		if pulumi.IsProgram(f.Src) {
			refs, warns = pulumi.ScanSource(f)
		} else {
			refs, warns = cdk.ScanSource(f)
		}
	case kindStructured:
		if format, ok := cloudformation.Detect(f.Src); ok {
			refs, warns = cloudformation.Scan(f, format)
		} else {
			refs = text.Scan(f, commentsFor(f.Path))
		}
	case kindText:
		refs = text.Scan(f, commentsFor(f.Path))
	}
	return withFallback([]ref.File{f}, refs, warns)
}

// scanModule scans the HCL files of one directory together.
func scanModule(files []ref.File) ([]ref.Reference, []problem.Problem) {
	refs, warns := terraform.ScanModule(files)
	return withFallback(files, refs, warns)
}

// scanProject scans a Pulumi.yaml with the stack files of its directory.
func scanProject(files []ref.File) ([]ref.Reference, []problem.Problem) {
	refs, warns := pulumi.ScanProject(files)
	return withFallback(files, refs, warns)
}

// withFallback replaces, for every file its parser could not parse, the
// parser's references by literal detection, so one broken file never hides
// the pins it holds.
func withFallback(files []ref.File, refs []ref.Reference, warns []problem.Problem) ([]ref.Reference, []problem.Problem) {
	for _, w := range warns {
		if w.Kind != problem.Parse {
			continue
		}
		for _, f := range files {
			if f.Path != w.File {
				continue
			}
			kept := refs[:0]
			for _, r := range refs {
				if r.File != f.Path {
					kept = append(kept, r)
				}
			}
			refs = append(kept, text.Scan(f, commentsFor(f.Path))...)
		}
	}
	ref.Sort(refs)
	return refs, warns
}
