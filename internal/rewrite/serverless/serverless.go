// Package serverless finds pinned layer versions in Serverless Framework
// service files (serverless.yml), resolving its ${...} variables where they
// are static.
package serverless

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/yamlpos"
)

// Scan scans one serverless.yml. A file that does not parse yields a
// problem of kind problem.Parse.
//
// Every scalar holding a layer version ARN is reported, wherever it sits
// (provider.layers, functions.<fn>.layers, custom, resources). A scalar
// that builds its ARN from ${self:...} variables is reported where it is
// written, with VersionAt pointing at the digits inside the scalar they
// name; the named scalar is then not reported a second time.
func Scan(f ref.File) (refs []ref.Reference, warns []problem.Problem) {
	defer yamlpos.Recover(f.Path, &refs, &warns)
	if !layerarn.MayBuildARN(f.Src) {
		return nil, nil
	}
	sc, docs, probs := yamlpos.Load(f)
	if probs != nil {
		return nil, probs
	}
	src := &source{sc}
	var found []found
	for _, root := range docs {
		w := &walker{resolver: &resolver{source: src, root: root, budget: maxResolutions}}
		w.walk(root, nil)
		found = append(found, w.found...)
	}
	refs = dedupe(found)
	ref.Sort(refs)
	return refs, nil
}

// found is a reference with where its ARN's first byte really is, which
// tells a definition (the ARN is in this scalar) from a use (the ARN came
// through a ${self:...} variable).
type found struct {
	ref   ref.Reference
	raw   int // offset of the ARN's first byte, wherever it came from
	owned bool
}

// dedupe drops the reference of a scalar whose ARN is also reported
// through a scalar that uses it: the use knows which function consumes
// the layer, the definition does not.
func dedupe(all []found) []ref.Reference {
	used := map[int]bool{}
	for _, f := range all {
		if !f.owned {
			used[f.raw] = true
		}
	}
	var out []ref.Reference
	for _, f := range all {
		if f.owned && used[f.raw] {
			continue
		}
		out = append(out, f.ref)
	}
	return out
}

// walker visits every scalar value of one document, keeping its path.
type walker struct {
	*resolver
	found []found
}

// segment is one step of a path: a mapping key or a sequence index.
type segment struct {
	key   string
	index int // -1 for a key
}

func (w *walker) walk(n *yaml.Node, path []segment) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			w.walk(n.Content[i+1], append(path, segment{key: n.Content[i].Value, index: -1}))
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			w.walk(c, append(path, segment{index: i}))
		}
	case yaml.ScalarNode:
		w.scalar(n, path)
	}
	// Aliases are skipped: their anchor is visited where it is written.
}

func (w *walker) scalar(n *yaml.Node, path []segment) {
	if n.Tag == "!!null" || !(strings.Contains(n.Value, "arn:") || strings.Contains(n.Value, "${")) {
		return
	}
	v := w.eval(n)
	if !strings.Contains(v.String(), "arn:") {
		return
	}
	start, end := w.Span(n)
	site := ref.Site{Format: ref.Serverless, Context: pathString(path), Function: w.function(path)}
	for _, r := range v.Find(site) {
		if r.VersionAt != nil && r.VersionLen != len(strconv.Itoa(*r.Version)) {
			// ":07" reads as version 7, but rewriting "07" with "8" would
			// not be the edit a reviewer expects: leave it unpinned.
			r.VersionAt, r.VersionLen = nil, 0
		}
		f := found{ref: r, raw: r.Offset, owned: r.Offset >= start && r.Offset < end}
		if !f.owned {
			// The ARN text lives in the scalar a variable names; the
			// expression that builds it is here.
			f.ref.Pos = w.Lines.Pos(start)
		}
		w.found = append(w.found, f)
	}
}

// pathString renders a path the way users write it in docs and errors:
// functions.api.layers[0].
func pathString(path []segment) string {
	var b strings.Builder
	for _, s := range path {
		if s.index >= 0 {
			fmt.Fprintf(&b, "[%d]", s.index)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

// function describes the function consuming a layer listed at path:
// functions.<fn> inherits runtime and architecture from provider, a
// provider-level layer applies to every function with the provider's, and
// a CloudFormation function under resources has its own Properties.
func (w *walker) function(path []segment) *ref.Function {
	if len(path) == 0 {
		return nil
	}
	provider := yamlpos.Lookup(w.root, "provider")
	var runtime, arch string
	var archs []string
	switch {
	case path[0].key == "functions" && len(path) >= 3:
		fn := deref(yamlpos.Lookup(deref(yamlpos.Lookup(w.root, "functions")), path[1].key))
		runtime = w.text(yamlpos.Lookup(fn, "runtime"))
		arch = w.text(yamlpos.Lookup(fn, "architecture"))
		if runtime == "" {
			runtime = w.text(yamlpos.Lookup(deref(provider), "runtime"))
		}
		if arch == "" {
			arch = w.text(yamlpos.Lookup(deref(provider), "architecture"))
		}
	case path[0].key == "provider" && len(path) >= 2 && path[1].key == "layers":
		runtime = w.text(yamlpos.Lookup(deref(provider), "runtime"))
		arch = w.text(yamlpos.Lookup(deref(provider), "architecture"))
	case path[0].key == "resources" && len(path) >= 5 && path[1].key == "Resources" && path[3].key == "Properties":
		props := deref(w.lookup("resources.Resources." + path[2].key + ".Properties"))
		runtime = w.text(yamlpos.Lookup(props, "Runtime"))
		if seq := deref(yamlpos.Lookup(props, "Architectures")); seq != nil && seq.Kind == yaml.SequenceNode {
			for _, a := range seq.Content {
				if s := w.text(a); s != "" {
					archs = append(archs, s)
				}
			}
		}
	default:
		return nil
	}
	if arch != "" {
		archs = []string{arch}
	}
	if runtime == "" && len(archs) == 0 {
		return nil
	}
	return &ref.Function{Runtime: runtime, Architectures: archs}
}
