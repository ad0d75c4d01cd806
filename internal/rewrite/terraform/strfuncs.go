package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// strFuncs are Terraform's string functions that layer names are built
// with (`Datadog-Python${replace(var.runtime, ".", "")}`,
// `otel-${lower(var.arch)}`). Their result is computed text: it names the
// layer, but no byte of it is a literal an edit could rewrite.
var strFuncs = map[string]func(args []string) (string, bool){
	"replace": func(a []string) (string, bool) {
		// A /regex/ pattern is Terraform's regular expression form: not
		// evaluated here rather than risk another result.
		if len(a) != 3 || len(a[1]) > 1 && strings.HasPrefix(a[1], "/") && strings.HasSuffix(a[1], "/") {
			return "", false
		}
		return strings.ReplaceAll(a[0], a[1], a[2]), true
	},
	"lower":      one(strings.ToLower),
	"upper":      one(strings.ToUpper),
	"trimspace":  one(strings.TrimSpace),
	"trimprefix": two(strings.TrimPrefix),
	"trimsuffix": two(strings.TrimSuffix),
}

func one(f func(string) string) func([]string) (string, bool) {
	return func(a []string) (string, bool) {
		if len(a) != 1 {
			return "", false
		}
		return f(a[0]), true
	}
}

func two(f func(string, string) string) func([]string) (string, bool) {
	return func(a []string) (string, bool) {
		if len(a) != 2 {
			return "", false
		}
		return f(a[0], a[1]), true
	}
}

// strCall evaluates a string function whose arguments are all known text.
func (ev *evaluator) strCall(e *hclsyntax.FunctionCallExpr, f func([]string) (string, bool)) (val, bool) {
	// A name built from a variable takes the variable's default: the
	// layer is named by what the module deploys unless told otherwise.
	lv := ev
	if !ev.lenient {
		if ev.lenientEv == nil {
			ev.lenientEv = newEvaluator(ev.m, true)
		}
		lv = ev.lenientEv
	}
	args := make([]string, len(e.Args))
	for i, a := range e.Args {
		v := lv.eval(a)
		s, ok := v.exact()
		if !ok || v.kind == kTuple || v.kind == kObject {
			return val{}, false
		}
		args[i] = s
	}
	out, ok := f(args)
	if !ok {
		return val{}, false
	}
	at := ev.pos(e.Range())
	return val{kind: kString, str: ref.Virtual{ref.Synth(out, at)}, text: out != ""}, true
}
