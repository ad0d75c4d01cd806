package pulumi

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/yamlpos"
)

// maxDepth bounds how many ${name} references are followed in a chain,
// and maxResolutions how many one document may follow in all: real
// programs use one or two, and the bounds keep a hostile file cheap.
const (
	maxDepth       = 8
	maxResolutions = 20000
)

// ScanYAML scans a Pulumi YAML program (Pulumi.yaml) on its own, with
// the values its config defaults give. A file that does not parse yields
// a problem of kind problem.Parse.
//
// Every string of resources, variables and outputs holding a layer
// version ARN is reported. ${name} naming a config entry's default or a
// variable that is a plain value is replaced by that value, located where
// it is written (so a version kept in config.layerVersion.default is
// edited there); any other ${...} is decided at deploy time and stays a
// placeholder. fn::join [separator, [parts]] is joined.
func ScanYAML(f ref.File) (refs []ref.Reference, warns []problem.Problem) {
	return scanProject(f, nil)
}

// scanProject scans a YAML program with the stacks whose configuration
// may override its config defaults (see ScanProject).
func scanProject(f ref.File, stacks []stack) (refs []ref.Reference, warns []problem.Problem) {
	defer yamlpos.Recover(f.Path, &refs, &warns)
	if !layerarn.MayBuildARN(f.Src) {
		return nil, nil
	}
	sc, docs, probs := yamlpos.Load(f)
	if probs != nil {
		return nil, probs
	}
	for _, root := range docs {
		if root.Kind != yaml.MappingNode {
			continue
		}
		base := values(sc, root)
		refs = append(refs, withStacks(run(sc, root, base), stacks, func(s stack) []ref.Reference {
			return run(sc, root, s.over(base))
		})...)
	}
	ref.Sort(refs)
	return refs, nil
}

// run scans one document with the values ${name} stands for.
func run(sc *yamlpos.Scalars, root *yaml.Node, vals map[string]value) []ref.Reference {
	p := &program{Scalars: sc, values: vals, budget: maxResolutions}
	for _, key := range []string{"variables", "resources", "outputs"} {
		if n := yamlpos.Lookup(root, key); n != nil {
			p.walk(n, key, nil)
		}
	}
	return p.dedupe()
}

// value is what ${name} stands for: a node of the program, or of a stack
// file (in), or nil for a secret a stack keeps encrypted.
type value struct {
	node *yaml.Node
	in   *yamlpos.Scalars
}

// program is one document of a YAML program being scanned.
type program struct {
	*yamlpos.Scalars
	// values are the names ${name} may stand for with a value the files
	// give: config defaults (or a stack's values) and variables that are
	// scalars.
	values map[string]value
	budget int
	found  []found
}

// found is a reference with where its ARN's first byte really is, which
// tells a definition (the ARN is written in this string) from a use (the
// ARN came through ${name}).
type found struct {
	ref   ref.Reference
	raw   at
	owned bool
}

// at is a byte of one file.
type at struct {
	file string
	off  int
}

// dedupe drops the reference of a variable whose ARN is also reported
// where the variable is used: the use knows which function consumes the
// layer, the definition does not.
func (p *program) dedupe() []ref.Reference {
	used := map[at]bool{}
	for _, f := range p.found {
		if !f.owned {
			used[f.raw] = true
		}
	}
	var out []ref.Reference
	for _, f := range p.found {
		if !f.owned || !used[f.raw] {
			out = append(out, f.ref)
		}
	}
	return out
}

// values collects config defaults (config.NAME.default, or the older
// configuration section) and scalar variables.
func values(sc *yamlpos.Scalars, root *yaml.Node) map[string]value {
	out := map[string]value{}
	for _, section := range []string{"configuration", "config"} {
		m := yamlpos.Lookup(root, section)
		if m == nil || m.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			if d := yamlpos.Lookup(m.Content[i+1], "default"); d != nil && d.Kind == yaml.ScalarNode {
				out[m.Content[i].Value] = value{d, sc}
			}
		}
	}
	if m := yamlpos.Lookup(root, "variables"); m != nil && m.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if v := m.Content[i+1]; v.Kind == yaml.ScalarNode {
				out[m.Content[i].Value] = value{v, sc}
			}
		}
	}
	return out
}

// walk visits every string of n, and every fn::join, keeping the path.
func (p *program) walk(n *yaml.Node, path string, fn *ref.Function) {
	switch n.Kind {
	case yaml.MappingNode:
		if parts, ok := join(n); ok {
			p.find(p.join(parts, 0), n, path, fn)
			return
		}
		if f := function(n); f != nil {
			fn = f
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			p.walk(n.Content[i+1], path+"."+n.Content[i].Value, fn)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p.walk(c, path+"["+strconv.Itoa(i)+"]", fn)
		}
	case yaml.ScalarNode:
		if strings.Contains(n.Value, "arn:") || strings.Contains(n.Value, "${") {
			p.find(p.eval(n, 0), n, path, fn)
		}
	}
	// Aliases are skipped: their anchor is visited where it is written.
}

// find reports the ARNs of an evaluated value found at node n.
func (p *program) find(v ref.Virtual, n *yaml.Node, path string, fn *ref.Function) {
	if !strings.Contains(v.String(), "arn:") {
		return
	}
	pos := p.Pos(n)
	for _, r := range v.Find(ref.Site{Format: ref.Pulumi, Context: path, Function: fn}) {
		if r.VersionAt != nil && r.VersionLen != len(strconv.Itoa(*r.Version)) {
			// ":07" reads as 7; rewriting "07" as "8" is not the edit a
			// reviewer expects: leave it to a person.
			r.VersionAt, r.VersionLen = nil, 0
		}
		owned := r.File == pos.File && r.Offset >= pos.Offset && r.Offset < p.end(n)
		f := found{ref: r, raw: at{r.File, r.Offset}, owned: owned}
		if !f.owned {
			// The ARN's text is elsewhere (a variable): report it at
			// the expression that builds it.
			f.ref.Pos = pos
		}
		p.found = append(p.found, f)
	}
}

// end is where the text of node n ends at the latest.
func (p *program) end(n *yaml.Node) int {
	if n.Kind == yaml.ScalarNode {
		_, end := p.Span(n)
		return end
	}
	// An fn::join mapping: its parts follow its start, up to the last
	// part's end.
	last := n
	for len(last.Content) > 0 {
		last = last.Content[len(last.Content)-1]
	}
	if last.Kind != yaml.ScalarNode {
		return p.NodeOffset(last) + 1
	}
	_, end := p.Span(last)
	return end
}

// function is what a Lambda function resource says about its runtime and
// architectures, or nil for any other mapping.
func function(n *yaml.Node) *ref.Function {
	t := yamlpos.Lookup(n, "type")
	if t == nil || (t.Value != "aws:lambda:Function" && t.Value != "aws:lambda/function:Function") {
		return nil
	}
	f := &ref.Function{}
	props := yamlpos.Lookup(n, "properties")
	if r := yamlpos.Lookup(props, "runtime"); r != nil && r.Kind == yaml.ScalarNode {
		f.Runtime = r.Value
	}
	if as := yamlpos.Lookup(props, "architectures"); as != nil && as.Kind == yaml.SequenceNode {
		for _, a := range as.Content {
			if a.Kind == yaml.ScalarNode {
				f.Architectures = append(f.Architectures, a.Value)
			}
		}
	}
	return f
}

// join returns the parts of an fn::join mapping: [separator, [values]].
func join(n *yaml.Node) ([]*yaml.Node, bool) {
	if len(n.Content) != 2 || n.Content[0].Value != "fn::join" {
		return nil, false
	}
	args := n.Content[1]
	if args.Kind != yaml.SequenceNode || len(args.Content) != 2 || args.Content[1].Kind != yaml.SequenceNode {
		return nil, false
	}
	return append([]*yaml.Node{args.Content[0]}, args.Content[1].Content...), true
}

// join evaluates fn::join parts (the separator first).
func (p *program) join(parts []*yaml.Node, depth int) ref.Virtual {
	sep := p.value(parts[0], depth)
	var v ref.Virtual
	for i, part := range parts[1:] {
		if i > 0 {
			v = append(v, sep...)
		}
		v = append(v, p.value(part, depth)...)
	}
	return v
}

// value evaluates any node: a string, an fn::join, or a placeholder.
func (p *program) value(n *yaml.Node, depth int) ref.Virtual {
	switch n.Kind {
	case yaml.ScalarNode:
		return p.eval(n, depth)
	case yaml.MappingNode:
		if parts, ok := join(n); ok && depth < maxDepth {
			return p.join(parts, depth+1)
		}
	}
	return ref.Virtual{ref.Synth("${...}", p.Pos(n))}
}

// eval returns a scalar's value with the ${name} it may resolve replaced
// by the pieces of the values they name.
func (p *program) eval(n *yaml.Node, depth int) ref.Virtual {
	return ref.Interpolate(p.Pieces(n), func(before, expr string, written ref.Virtual) ref.Virtual {
		if strings.HasSuffix(before, "$") {
			return written // $${ is a literal ${
		}
		return p.lookup(strings.TrimSpace(expr), written, depth)
	})
}

// lookup is what ${name} stands for: the value the file gives it, or the
// placeholder as written.
func (p *program) lookup(name string, written ref.Virtual, depth int) ref.Virtual {
	v, ok := p.values[name]
	if !ok || v.node == nil || depth >= maxDepth || p.budget <= 0 {
		return ref.Virtual{ref.Synth(written.String(), posOf(written))}
	}
	if v.in != p.Scalars {
		// A stack's value is taken as written: Pulumi does not
		// interpolate configuration.
		return v.in.Pieces(v.node)
	}
	p.budget--
	return p.eval(v.node, depth+1)
}

// posOf is where a piece of text starts.
func posOf(v ref.Virtual) ref.Pos {
	if len(v) == 0 {
		return ref.Pos{}
	}
	p := v[0].At
	return p
}
