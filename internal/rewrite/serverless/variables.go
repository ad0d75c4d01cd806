package serverless

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/yamlpos"
)

// maxDepth bounds how many ${self:...} references are followed in a chain;
// real files use one or two, and the bound keeps a hostile file cheap.
const maxDepth = 8

// resolver evaluates the Serverless variables of one document that can be
// known statically: ${self:path} references to other scalars of the same
// file. Every other source (opt, env, sls, aws, ssm, file, cf, param) is
// decided at deploy time and stays in the text as written, where the ARN
// matcher takes it for a placeholder.
type resolver struct {
	*source
	root *yaml.Node // the document's top-level node
	// budget is how many more variables may be resolved: a scalar naming
	// the same variable many times, each naming another such scalar, would
	// otherwise cost exponential time.
	budget int
}

// maxResolutions is the budget of a document, far above what a real
// service file needs.
const maxResolutions = 20000

// eval returns the value of scalar n with its ${self:...} variables
// replaced by the pieces of the scalars they name.
func (r *resolver) eval(n *yaml.Node) ref.Virtual {
	return r.evalIn(n, nil)
}

func (r *resolver) evalIn(n *yaml.Node, stack []*yaml.Node) ref.Virtual {
	stack = append(stack, n)
	return ref.Interpolate(r.scalarPieces(n), func(before, expr string, written ref.Virtual) ref.Virtual {
		if inIdentity(before) {
			// partition, region and account are decided at deploy time
			// (--region, the caller's account): keep them as written.
			return written
		}
		if v, ok := r.variable(expr, stack); ok {
			return v
		}
		return written
	})
}

// inIdentity reports whether text ending with prefix puts the next byte
// in the partition, region or account field of an ARN: the last "arn:" is
// followed by at most three colons outside ${...}.
func inIdentity(prefix string) bool {
	i := strings.LastIndex(prefix, "arn:")
	if i < 0 {
		return false
	}
	colons, depth := 0, 0
	for _, c := range []byte(prefix[i+4:]) {
		switch {
		case c == '{':
			depth++
		case c == '}' && depth > 0:
			depth--
		case c == ':' && depth == 0:
			colons++
		}
	}
	return colons <= 3
}

// variable resolves the inside of one ${...}. Only the first source is
// considered: a fallback (", 'default'") applies when that source is
// missing at deploy time, which a static scan cannot know.
func (r *resolver) variable(expr string, stack []*yaml.Node) (ref.Virtual, bool) {
	if len(stack) > maxDepth || r.budget <= 0 {
		return nil, false
	}
	r.budget--
	addr := strings.TrimSpace(expr)
	if c := strings.IndexByte(addr, ','); c >= 0 {
		addr = strings.TrimSpace(addr[:c])
	}
	path, ok := strings.CutPrefix(addr, "self:")
	if !ok || strings.Contains(path, "${") {
		return nil, false
	}
	n := r.lookup(path)
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil, false
	}
	for _, seen := range stack {
		if seen == n {
			return nil, false // a cycle: Serverless rejects it too
		}
	}
	return r.evalIn(n, stack), true
}

// lookup finds the node at a dotted Serverless path such as
// custom.layers.powertools or provider.layers.0.
func (r *resolver) lookup(path string) *yaml.Node {
	n := r.root
	if path == "" {
		return n
	}
	for _, seg := range strings.Split(path, ".") {
		n = deref(n)
		if n == nil {
			return nil
		}
		switch n.Kind {
		case yaml.MappingNode:
			n = yamlpos.Lookup(n, seg)
		case yaml.SequenceNode:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
	}
	return deref(n)
}

// deref follows an alias to its anchor.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxDepth; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// text returns the static string value of scalar n, or "" when it is not
// a scalar or still depends on a deploy-time variable.
func (r *resolver) text(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	s := r.eval(n).String()
	if strings.Contains(s, "${") {
		return ""
	}
	return s
}
