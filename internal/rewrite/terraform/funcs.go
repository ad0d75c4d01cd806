package terraform

import (
	"strconv"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// call evaluates the Terraform functions that build ARNs or pick values;
// any other function, or one whose arguments are not known well enough,
// is unknown (and its arguments are still scanned by the walker).
func (ev *evaluator) call(e *hclsyntax.FunctionCallExpr) val {
	if e.ExpandFinal {
		return ev.unknown(e)
	}
	args := e.Args
	var v val
	ok := false
	switch e.Name {
	case "format":
		v, ok = ev.format(e)
	case "join":
		v, ok = ev.join(e)
	case "concat", "flatten":
		v, ok = ev.flatten(args, e.Name == "flatten")
	case "tostring", "tonumber", "tolist", "tomap", "toset":
		if len(args) == 1 {
			v, ok = ev.eval(args[0]), true
		}
	case "element":
		if len(args) == 2 {
			v, ok = element(ev.eval(args[0]), ev.eval(args[1]))
		}
	case "lookup":
		v, ok = ev.lookup(args)
	case "coalesce", "try":
		v, ok = ev.first(args, e.Name == "coalesce")
	default:
		if f, known := strFuncs[e.Name]; known {
			v, ok = ev.strCall(e, f)
		}
	}
	if !ok || v.kind == kUnknown {
		return ev.unknown(e)
	}
	return v
}

// format implements the verbs ARNs are built with: %s, %d, %v and %%.
// Any flag, width or other verb makes the call unknown rather than risk
// rendering a different string than Terraform would.
func (ev *evaluator) format(e *hclsyntax.FunctionCallExpr) (val, bool) {
	if len(e.Args) == 0 {
		return val{}, false
	}
	spec := ev.eval(e.Args[0])
	fs, ok := spec.exact()
	if !ok || spec.kind != kString {
		return val{}, false
	}
	out := val{kind: kString}
	next := 1
	lit := 0 // start of the pending literal run of the spec
	for i := 0; i < len(fs); i++ {
		if fs[i] != '%' {
			continue
		}
		if i+1 >= len(fs) {
			return val{}, false
		}
		out = concat(out, val{kind: kString, text: i > lit, str: spec.str.Slice(lit, i)})
		switch fs[i+1] {
		case '%':
			out = concat(out, val{kind: kString, text: true, str: spec.str.Slice(i+1, i+2)})
		case 's', 'd', 'v':
			if next >= len(e.Args) {
				return val{}, false
			}
			arg := ev.asString(ev.eval(e.Args[next]), e.Args[next])
			if fs[i+1] == 'd' && arg.kind != kNumber && arg.kind != kUnknown && !isDigits(arg.str.String()) {
				return val{}, false
			}
			out = concat(out, arg)
			next++
		default:
			return val{}, false
		}
		i++
		lit = i + 1
	}
	out = concat(out, val{kind: kString, text: len(fs) > lit, str: spec.str.Slice(lit, len(fs))})
	return out, true
}

// join implements join(separator, list...).
func (ev *evaluator) join(e *hclsyntax.FunctionCallExpr) (val, bool) {
	if len(e.Args) < 2 {
		return val{}, false
	}
	sep := ev.eval(e.Args[0])
	if _, ok := sep.exact(); !ok || sep.kind != kString {
		return val{}, false
	}
	out := val{kind: kString}
	n := 0
	for _, a := range e.Args[1:] {
		list := ev.eval(a)
		if list.kind != kTuple {
			return val{}, false
		}
		for _, el := range list.elems {
			if el.kind == kTuple || el.kind == kObject {
				return val{}, false
			}
			if n > 0 {
				out = concat(out, sep)
			}
			out = concat(out, el)
			n++
		}
	}
	return out, true
}

// flatten implements concat (one level) and flatten (all levels).
func (ev *evaluator) flatten(args []hclsyntax.Expression, deep bool) (val, bool) {
	out := val{kind: kTuple}
	var add func(v val, depth int) bool
	add = func(v val, depth int) bool {
		if v.kind != kTuple || depth > maxEvalDepth {
			return false
		}
		for _, el := range v.elems {
			if deep && el.kind == kTuple {
				if !add(el, depth+1) {
					return false
				}
				continue
			}
			if deep && el.kind == kUnknown {
				return false // might be a list to flatten
			}
			out.elems = append(out.elems, el)
		}
		return true
	}
	if deep && len(args) != 1 {
		return val{}, false
	}
	for _, a := range args {
		if !add(ev.eval(a), 0) {
			return val{}, false
		}
	}
	return out, true
}

// element implements element(list, index), which wraps around.
func element(list, idx val) (val, bool) {
	s, ok := idx.exact()
	n, err := strconv.Atoi(s)
	if !ok || err != nil || n < 0 || list.kind != kTuple || len(list.elems) == 0 {
		return val{}, false
	}
	return list.elems[n%len(list.elems)], true
}

// lookup implements lookup(map, key, default).
func (ev *evaluator) lookup(args []hclsyntax.Expression) (val, bool) {
	if len(args) < 2 || len(args) > 3 {
		return val{}, false
	}
	m := ev.eval(args[0])
	k, ok := ev.eval(args[1]).exact()
	if !ok || m.kind != kObject {
		return val{}, false
	}
	if v, ok := member(m, k); ok {
		return v, true
	}
	if len(args) == 3 {
		return ev.eval(args[2]), true
	}
	return val{}, false
}

// first implements try (the first argument that evaluates) and coalesce
// (the first that is neither null nor an empty string). An unknown
// argument before the answer makes the result unknown.
func (ev *evaluator) first(args []hclsyntax.Expression, skipEmpty bool) (val, bool) {
	for _, a := range args {
		v := ev.eval(a)
		switch {
		case v.kind == kUnknown:
			return val{}, false
		case skipEmpty && (v.kind == kNull || (v.kind == kString && len(v.str.String()) == 0)):
			continue
		}
		return v, true
	}
	return val{}, false
}
