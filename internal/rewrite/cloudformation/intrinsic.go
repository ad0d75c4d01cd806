package cloudformation

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/yamlpos"
)

// maxEvalDepth bounds nested intrinsics (a Sub variable that is a Join of
// a Ref...); real templates nest a few levels.
const maxEvalDepth = 32

// intrinsic recognizes an intrinsic function call, in short form (a node
// tagged !Sub, !Join...) or long form (a mapping with the single key
// Fn::Sub, Ref...). It returns the long name and the argument node; for
// the short form the argument is the tagged node itself, so callers look
// at its kind and children, never back at its tag.
func intrinsic(n *yaml.Node) (name string, arg *yaml.Node, ok bool) {
	if t := n.Tag; len(t) > 1 && t[0] == '!' && t[1] != '!' {
		switch t = t[1:]; t {
		case "Ref", "Condition":
			return t, n, true
		default:
			return "Fn::" + t, n, true
		}
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		if k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return k, n.Content[1], true
		}
	}
	return "", nil, false
}

// evaluable reports whether a call builds a string bumpbot can evaluate.
func evaluable(name string) bool {
	switch name {
	case "Ref", "Fn::Sub", "Fn::Join", "Fn::FindInMap":
		return true
	}
	return false
}

// evaluator turns expressions into evaluated strings. budget bounds the
// work left (calls plus value bytes copied): aliases can make a small file
// expand exponentially, so evaluation stops (rendering placeholders) once
// it has done a few times the file's size.
type evaluator struct {
	src      *source
	params   map[string]*yaml.Node // parameter name -> its Default
	mappings *yaml.Node
	budget   int
}

// eval renders n as a string: scalars as written, the intrinsics bumpbot
// understands evaluated, anything else as a ${...} placeholder so the ARN
// matcher sees a field it cannot know.
func (e *evaluator) eval(n *yaml.Node, depth int) ref.Virtual {
	for n != nil && n.Kind == yaml.AliasNode && depth < maxEvalDepth {
		n, depth = n.Alias, depth+1
	}
	if n == nil || depth >= maxEvalDepth || e.budget <= 0 {
		return ref.Virtual{ref.Synth("${?}", ref.Pos{File: e.src.Path})}
	}
	// Every call costs, not only copied bytes: a Join of aliases to
	// itself copies nothing but branches at every level.
	e.budget--
	at := e.src.Pos(n)
	name, arg, ok := intrinsic(n)
	if !ok {
		if n.Kind != yaml.ScalarNode {
			return ref.Virtual{ref.Synth("${?}", at)}
		}
		e.budget -= len(n.Value) + 1
		return e.src.pieces(n)
	}
	var v ref.Virtual
	switch name {
	case "Ref":
		v = e.ref(arg, depth)
	case "Fn::Sub":
		v = e.sub(arg, depth)
	case "Fn::Join":
		v = e.join(arg, depth)
	case "Fn::FindInMap":
		if val := e.findInMap(arg, depth); val != nil {
			v = e.eval(val, depth+1)
		}
	}
	if v == nil {
		v = ref.Virtual{ref.Synth(placeholder(name, arg), at)}
	}
	return v
}

// placeholder renders a call bumpbot cannot evaluate the way a Sub would
// write it: ${Param}, ${Resource.Attribute}, ${Fn::ImportValue}.
func placeholder(name string, arg *yaml.Node) string {
	label := name
	switch {
	case name == "Ref" && arg.Kind == yaml.ScalarNode:
		label = arg.Value
	case name == "Fn::GetAtt" && arg.Kind == yaml.ScalarNode:
		label = arg.Value
	case name == "Fn::GetAtt" && arg.Kind == yaml.SequenceNode && len(arg.Content) == 2:
		label = arg.Content[0].Value + "." + arg.Content[1].Value
	}
	// Keep the placeholder one the ARN matcher accepts: no braces, quotes
	// or line breaks, bounded length.
	clean := strings.Map(func(r rune) rune {
		if r == ':' || r == '.' || r == '-' || r == '_' || (r >= '0' && r <= '9') || (r|0x20 >= 'a' && r|0x20 <= 'z') {
			return r
		}
		return -1
	}, label)
	if len(clean) > 64 {
		clean = clean[:64]
	}
	if clean == "" {
		clean = "?"
	}
	return "${" + clean + "}"
}

// ref evaluates a Ref: a parameter with a Default becomes that default
// (verbatim, so a bump edits the default); pseudo parameters such as
// AWS::Region and resources stay placeholders.
func (e *evaluator) ref(arg *yaml.Node, depth int) ref.Virtual {
	if arg.Kind != yaml.ScalarNode {
		return nil
	}
	if def, ok := e.params[arg.Value]; ok && !strings.HasPrefix(arg.Value, "AWS::") {
		return e.eval(def, depth+1)
	}
	return nil
}

// sub evaluates Fn::Sub in its string and [string, {Var: value}] forms.
func (e *evaluator) sub(arg *yaml.Node, depth int) ref.Virtual {
	tmpl, vars := arg, (*yaml.Node)(nil)
	if arg.Kind == yaml.SequenceNode {
		if len(arg.Content) == 0 {
			return nil
		}
		tmpl = arg.Content[0]
		if len(arg.Content) > 1 && arg.Content[1].Kind == yaml.MappingNode {
			vars = arg.Content[1]
		}
	}
	if tmpl.Kind != yaml.ScalarNode {
		return nil
	}
	e.budget -= len(tmpl.Value) + 1
	tv := e.src.pieces(tmpl)
	s := tv.String()
	var out ref.Virtual
	i := 0
	for {
		j := strings.Index(s[i:], "${")
		if j < 0 {
			break
		}
		j += i
		k := strings.IndexByte(s[j:], '}')
		if k < 0 {
			break
		}
		k += j
		out = append(out, tv.Slice(i, j)...)
		name := s[j+2 : k]
		switch val := yamlpos.Lookup(vars, name); {
		case strings.HasPrefix(name, "!"):
			// ${!Literal} is written out as ${Literal}.
			out = append(out, ref.Synth("${", tv[0].At))
			out = append(out, tv.Slice(j+3, k+1)...)
		case val != nil:
			out = append(out, e.eval(val, depth+1)...)
		case e.params[name] != nil && !strings.HasPrefix(name, "AWS::"):
			out = append(out, e.eval(e.params[name], depth+1)...)
		default:
			out = append(out, tv.Slice(j, k+1)...)
		}
		i = k + 1
	}
	return append(out, tv.Slice(i, len(s))...)
}

// join evaluates Fn::Join [delimiter, [values...]].
func (e *evaluator) join(arg *yaml.Node, depth int) ref.Virtual {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 || arg.Content[0].Kind != yaml.ScalarNode ||
		arg.Content[1].Kind != yaml.SequenceNode {
		return nil
	}
	delim := e.eval(arg.Content[0], depth+1)
	var out ref.Virtual
	for i, el := range arg.Content[1].Content {
		if i > 0 {
			out = append(out, delim...)
		}
		out = append(out, e.eval(el, depth+1)...)
	}
	if out == nil {
		out = ref.Virtual{ref.Synth("", e.src.Pos(arg))}
	}
	return out
}

// findInMap returns the mapping value Fn::FindInMap [Map, Top, Second]
// names when all three keys are known statically, else nil.
func (e *evaluator) findInMap(arg *yaml.Node, depth int) *yaml.Node {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) < 3 {
		return nil
	}
	node := e.mappings
	for _, k := range arg.Content[:3] {
		key, ok := e.staticKey(k, depth)
		if !ok {
			return nil
		}
		if node = yamlpos.Lookup(node, key); node == nil {
			return nil
		}
	}
	return node
}

// staticKey returns the text of a key that is known statically: a plain
// scalar, or a Ref to a parameter with a default.
func (e *evaluator) staticKey(n *yaml.Node, depth int) (string, bool) {
	if n.Kind == yaml.ScalarNode && (n.Tag == "" || strings.HasPrefix(n.Tag, "!!")) {
		return n.Value, true
	}
	if name, arg, ok := intrinsic(n); ok && name == "Ref" && arg.Kind == yaml.ScalarNode && depth < maxEvalDepth {
		if def, ok := e.params[arg.Value]; ok && def.Kind == yaml.ScalarNode {
			return def.Value, true
		}
	}
	return "", false
}
