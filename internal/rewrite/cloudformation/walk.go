package cloudformation

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/yamlpos"
)

// maxWalkDepth bounds the walk over the node tree; templates are shallow,
// and a pathological file must not exhaust the stack.
const maxWalkDepth = 1000

// walker visits every value of a template once. Aliases are not followed
// (the anchored node is visited where it is defined), which keeps the walk
// linear in the file size whatever the aliases do.
type walker struct {
	*evaluator
	format ref.Format
	// literal holds references found in a scalar as written; evaluated
	// those found by evaluating an expression. An evaluated reference that
	// lands on the same bytes as a literal one (a Ref to a parameter whose
	// default is the ARN, a FindInMap into a mapping) is the same pin seen
	// twice and is merged into the literal one.
	literal   []ref.Reference
	evaluated []ref.Reference
}

// walk visits n at context path. fn is set inside a function's Layers.
func (w *walker) walk(n *yaml.Node, path string, fn *ref.Function, depth int) {
	if n == nil || depth > maxWalkDepth {
		return
	}
	if name, arg, ok := intrinsic(n); ok {
		w.call(n, name, arg, path, fn, depth)
		return
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			w.walk(c, path, fn, depth+1)
		}
	default:
		w.children(n, path, fn, depth)
	}
}

// children visits what n holds without looking at n's own tag, so that a
// short-form call's argument (the tagged node itself) is not taken for the
// call again.
func (w *walker) children(n *yaml.Node, path string, fn *ref.Function, depth int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			w.walk(n.Content[i+1], join(path, n.Content[i].Value), fn, depth+1)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			w.walk(c, path+"["+strconv.Itoa(i)+"]", fn, depth+1)
		}
	case yaml.ScalarNode:
		if strings.Contains(n.Value, ":layer:") {
			w.literal = append(w.literal, w.src.pieces(n).Find(w.site(path, fn))...)
		}
	}
}

// call handles an intrinsic: the expression is evaluated when bumpbot
// understands it, and its arguments are visited for literal ARNs, except a
// Sub's template, whose text only means something once substituted.
func (w *walker) call(n *yaml.Node, name string, arg *yaml.Node, path string, fn *ref.Function, depth int) {
	if evaluable(name) {
		if v := w.eval(n, 0); strings.Contains(v.String(), ":layer:") {
			w.evaluated = append(w.evaluated, v.Find(w.site(path, fn))...)
		}
		if name == "Fn::FindInMap" && fn != nil {
			w.mapCandidates(arg, path, fn)
		}
	}
	switch {
	case name == "Ref":
		return
	case name == "Fn::Sub":
		if arg.Kind == yaml.SequenceNode && len(arg.Content) > 1 {
			w.walk(arg.Content[1], path+".Fn::Sub[1]", fn, depth+1)
		}
		return
	}
	w.children(arg, join(path, name), fn, depth+1)
}

// mapCandidates handles FindInMap [Map, !Ref AWS::Region, Key] in a
// function's Layers: the region is known only at deploy time, so every
// entry of the map may be the layer this function consumes. Those entries
// are reported where they are written (in Mappings); this only tells them
// which function consumes them.
func (w *walker) mapCandidates(arg *yaml.Node, path string, fn *ref.Function) {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) < 3 {
		return
	}
	mapName, ok1 := w.staticKey(arg.Content[0], 0)
	second, ok2 := w.staticKey(arg.Content[2], 0)
	m := yamlpos.Lookup(w.mappings, mapName)
	if !ok1 || !ok2 || m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for i := 1; i < len(m.Content); i += 2 {
		if val := yamlpos.Lookup(m.Content[i], second); val != nil && val.Kind == yaml.ScalarNode {
			w.evaluated = append(w.evaluated, w.src.pieces(val).Find(w.site(path, fn))...)
		}
	}
}

func (w *walker) site(path string, fn *ref.Function) ref.Site {
	return ref.Site{Format: w.format, Context: path, Function: fn}
}

// references merges literal and evaluated references, sorted.
func (w *walker) references() []ref.Reference {
	type key struct {
		off, versionAt int
		arn            string
	}
	keyOf := func(r ref.Reference) key {
		k := key{off: r.Offset, versionAt: -1, arn: r.ARN}
		if r.VersionAt != nil {
			k.versionAt = r.VersionAt.Offset
		}
		return k
	}
	out := w.literal
	seen := make(map[key]int, len(out))
	for i, r := range out {
		seen[keyOf(r)] = i
	}
	for _, r := range w.evaluated {
		k := keyOf(r)
		if i, ok := seen[k]; ok {
			if out[i].Function == nil {
				out[i].Function = r.Function
			}
			continue
		}
		seen[k] = len(out)
		out = append(out, r)
	}
	ref.Sort(out)
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
