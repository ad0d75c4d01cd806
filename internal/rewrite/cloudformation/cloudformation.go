// Package cloudformation finds pinned layer versions in CloudFormation and
// SAM templates, YAML or JSON.
//
// Templates are parsed with yaml.v3 (JSON is YAML) into node trees, used
// for structure and positions only: edits are spliced into the original
// bytes by the caller, never re-marshalled. Every string of the template is
// scanned; Fn::Sub, Fn::Join, Ref and Fn::FindInMap (short and long form)
// are evaluated so that a version held in a parameter default or a Sub
// variable is found and its literal becomes the edit target.
package cloudformation

import (
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/yamlpos"
)

// Scan scans one template. A template that does not parse yields a Warning
// of kind problem.Parse and no references. format is reported on every
// reference; when empty it is detected from the content.
func Scan(f ref.File, format ref.Format) ([]ref.Reference, []problem.Problem) {
	if !layerarn.MayBuildARN(f.Src) {
		// Every layer ARN, however it is assembled, names "lambda".
		return nil, nil
	}
	roots, err := parseAll(f.Src)
	if err != nil {
		line, msg := yamlpos.SplitError(err)
		return nil, []problem.Problem{{File: f.Path, Line: line, Message: "cannot parse template: " + msg, Kind: problem.Parse}}
	}
	src := newSource(f)
	var refs []ref.Reference
	// Every document of a multi-document file is a template of its own,
	// with its own parameters and mappings.
	for _, root := range roots {
		refs = append(refs, scanDoc(f, src, root, format)...)
	}
	for i, r := range refs {
		// The matcher reads "07" as version 7; an edit would then write
		// over two digits it thinks are one number. No target is better
		// than a wrong one.
		if r.VersionAt != nil && string(f.Src[r.VersionAt.Offset:r.VersionAt.Offset+r.VersionLen]) != strconv.Itoa(*r.Version) {
			refs[i].VersionAt, refs[i].VersionLen = nil, 0
		}
	}
	return refs, nil
}

// scanDoc scans one document's root mapping.
func scanDoc(f ref.File, src *source, root *yaml.Node, format ref.Format) []ref.Reference {
	if format == "" {
		format = ref.CloudFormation
		if isSAM(root) {
			format = ref.SAM
		}
	}
	w := &walker{
		evaluator: &evaluator{
			src:      src,
			params:   parameterDefaults(root),
			mappings: yamlpos.Lookup(root, "Mappings"),
			budget:   4*len(f.Src) + 1<<16,
		},
		format: format,
	}
	globals := yamlpos.Lookup(yamlpos.Lookup(root, "Globals"), "Function")
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i].Value, root.Content[i+1]
		switch key {
		case "Resources":
			w.resources(val, globals)
		case "Globals":
			w.globals(val)
		default:
			w.walk(val, key, nil, 1)
		}
	}
	return w.references()
}

// parseAll returns the root mapping of every document of a file (one for
// a plain template), skipping empty documents.
func parseAll(src []byte) ([]*yaml.Node, error) {
	docs, err := yamlpos.Documents(src)
	if err != nil {
		return nil, err
	}
	roots := docs[:0]
	for _, d := range docs {
		if d.Kind == yaml.MappingNode {
			roots = append(roots, d)
		}
	}
	return roots, nil
}

// parse returns the root mapping of a template, or nil when the document
// is empty or not a mapping.
func parse(src []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return &yaml.Node{Kind: yaml.MappingNode}, nil
	}
	return doc.Content[0], nil
}

// parameterDefaults maps each parameter name to its Default node.
func parameterDefaults(root *yaml.Node) map[string]*yaml.Node {
	params := yamlpos.Lookup(root, "Parameters")
	out := map[string]*yaml.Node{}
	if params == nil || params.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(params.Content); i += 2 {
		if def := yamlpos.Lookup(params.Content[i+1], "Default"); def != nil {
			out[params.Content[i].Value] = def
		}
	}
	return out
}
