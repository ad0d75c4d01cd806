// Package terraform finds pinned layer versions in Terraform and Terragrunt
// files (HCL native syntax and HCL JSON), following version indirection
// through variables and locals of the same module.
//
// Every expression of every file is walked; the ones that can produce a
// string are evaluated statically (templates, local.* and var.*, format,
// join and a few other functions) into a ref.Virtual whose pieces remember
// which file bytes they were copied from. That is how a version kept in
// `variable "v" { default = 12 }` is reported with its version_at on the
// 12, and how an ARN assembled by join() is found at all. What cannot be
// evaluated is rendered the way it is written (${data.aws_region.current.name})
// so the ARN matcher reports it as a placeholder.
package terraform

import (
	"fmt"
	"sort"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/json"
)

// ScanModule scans the HCL files of one directory (one Terraform module).
// A file that does not parse yields a problem of kind problem.Parse and
// contributes nothing else; the other files are scanned as usual. Any
// subset of a module can be scanned: references to locals or variables
// defined in files that are not given stay placeholders.
func ScanModule(files []ref.File) (refs []ref.Reference, warns []problem.Problem) {
	defer func() {
		// A bug must not take the scan down: every file falls back to
		// literal detection instead.
		if p := recover(); p != nil {
			refs, warns = nil, nil
			for _, f := range files {
				warns = append(warns, problem.Problem{File: f.Path, Message: fmt.Sprintf("internal error: %v", p), Kind: problem.Parse})
			}
		}
	}()
	m := &module{
		files:  map[string]*srcFile{},
		locals: map[string]hclsyntax.Expression{},
		vars:   map[string]hclsyntax.Expression{},
	}
	var parsed []*srcFile
	for _, f := range files {
		sf, w := parse(f)
		if w != nil {
			warns = append(warns, *w)
			continue
		}
		if _, dup := m.files[sf.path]; dup {
			continue
		}
		m.files[sf.path] = sf
		parsed = append(parsed, sf)
	}
	define(m, parsed)
	w := &walker{ev: newEvaluator(m, false)}
	for _, f := range parsed {
		w.file(f)
	}
	refs = dedupe(w.found)
	ref.Sort(refs)
	return refs, warns
}

// parse parses one file with the syntax its name says.
func parse(f ref.File) (*srcFile, *problem.Problem) {
	sf := &srcFile{path: f.Path, src: f.Src, lines: ref.NewLines(f.Path, f.Src)}
	var (
		file  *hcl.File
		diags hcl.Diagnostics
	)
	if isJSON(f.Path) {
		file, diags = json.Parse(f.Src, f.Path)
	} else {
		file, diags = hclsyntax.ParseConfig(f.Src, f.Path, hcl.InitialPos)
	}
	if diags.HasErrors() || file == nil {
		return nil, unparsed(f.Path, diags)
	}
	if body, ok := file.Body.(*hclsyntax.Body); ok {
		sf.root = nativeBlock("", nil, body)
	} else {
		sf.root = jsonRoot(jsonAttrs(sf, file.Body))
	}
	return sf, nil
}

func unparsed(path string, diags hcl.Diagnostics) *problem.Problem {
	w := &problem.Problem{File: path, Message: "cannot parse HCL", Kind: problem.Parse}
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		w.Message = d.Summary
		if d.Subject != nil {
			w.Line = d.Subject.Start.Line
		}
		break
	}
	return w
}

// define collects the values names resolve to: locals, variable defaults,
// and the values of auto-loaded tfvars files, which override defaults
// (later files in Terraform's load order win). The first definition of a
// local or variable wins; Terraform rejects duplicates anyway.
func define(m *module, files []*srcFile) {
	var auto []*srcFile
	for _, f := range files {
		if isVarsFile(f.path) {
			if isAutoVars(f.path) {
				auto = append(auto, f)
			}
			continue
		}
		for _, b := range f.root.blocks {
			switch {
			case b.typ == "locals":
				for _, a := range b.attrs {
					setOnce(m.locals, a.name, a.expr)
				}
			case b.typ == "variable" && len(b.labels) == 1:
				if d := b.attr("default"); d != nil {
					setOnce(m.vars, b.labels[0], d)
				}
			}
		}
	}
	sort.SliceStable(auto, func(i, j int) bool { return varsOrder(auto[i].path) < varsOrder(auto[j].path) })
	for _, f := range auto {
		for _, a := range f.root.attrs {
			m.vars[a.name] = a.expr
		}
	}
}

func setOnce(m map[string]hclsyntax.Expression, name string, e hclsyntax.Expression) {
	if _, ok := m[name]; !ok {
		m[name] = e
	}
}
