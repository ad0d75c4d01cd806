package cloudformation

import (
	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/yamlpos"
)

// functionTypes are the resource types whose Layers property lists the
// layers a function consumes.
var functionTypes = map[string]bool{
	"AWS::Lambda::Function":     true,
	"AWS::Serverless::Function": true,
}

// resources visits each resource, telling the references in a function's
// Layers which function consumes them.
func (w *walker) resources(n, globals *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		w.walk(n, "Resources", nil, 1)
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, res := n.Content[i].Value, n.Content[i+1]
		path := "Resources." + name
		typ := yamlpos.Lookup(res, "Type")
		props := yamlpos.Lookup(res, "Properties")
		if typ == nil || !functionTypes[typ.Value] || props == nil || props.Kind != yaml.MappingNode {
			w.walk(res, path, nil, 2)
			continue
		}
		fallback := globals
		if typ.Value != "AWS::Serverless::Function" {
			fallback = nil // Globals apply to SAM resources only.
		}
		fn := w.function(props, fallback)
		for j := 0; j+1 < len(res.Content); j += 2 {
			key, val := res.Content[j].Value, res.Content[j+1]
			if key != "Properties" {
				w.walk(val, join(path, key), nil, 3)
				continue
			}
			w.properties(val, join(path, key), fn)
		}
	}
}

// globals visits the SAM Globals section; Globals.Function.Layers are
// consumed by every function, with the Globals runtime.
func (w *walker) globals(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		w.walk(n, "Globals", nil, 1)
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i].Value, n.Content[i+1]
		if key == "Function" && val.Kind == yaml.MappingNode {
			w.properties(val, "Globals.Function", w.function(val, nil))
			continue
		}
		w.walk(val, join("Globals", key), nil, 2)
	}
}

// properties visits a function's properties, passing fn to its Layers.
func (w *walker) properties(props *yaml.Node, path string, fn *ref.Function) {
	for i := 0; i+1 < len(props.Content); i += 2 {
		key, val := props.Content[i].Value, props.Content[i+1]
		var consumer *ref.Function
		if key == "Layers" {
			consumer = fn
		}
		w.walk(val, join(path, key), consumer, 4)
	}
}

// function reads Runtime and Architectures from a function's properties,
// falling back to the SAM Globals; nil when neither is known.
func (w *walker) function(props, globals *yaml.Node) *ref.Function {
	fn := &ref.Function{}
	for _, p := range []*yaml.Node{props, globals} {
		if rt := yamlpos.Lookup(p, "Runtime"); rt != nil && fn.Runtime == "" {
			fn.Runtime, _ = w.staticKey(rt, 0)
		}
		if arch := yamlpos.Lookup(p, "Architectures"); arch != nil && fn.Architectures == nil {
			fn.Architectures = w.architectures(arch)
		}
	}
	if fn.Runtime == "" && len(fn.Architectures) == 0 {
		return nil
	}
	return fn
}

func (w *walker) architectures(n *yaml.Node) []string {
	if n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, c := range n.Content {
		if a, ok := w.staticKey(c, 0); ok {
			out = append(out, a)
		}
	}
	return out
}
