package cdk

import (
	"slices"
	"strconv"
	"strings"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// maxResourceLookBack bounds the walk from a layers list back to the call
// that declares its function: the properties written before layers (code
// archives, environment maps) are longer than a call's context.
const maxResourceLookBack = 4096

// resource names the function whose layers list holds the expression
// starting at token k, as a context: resources.NAME.properties.layers[i],
// the shape of a Pulumi YAML program's, so a program reads the same in
// every language. The function is a call of one of the Resources
// constructors (by their last two names: lambda.Function) whose first
// argument is a string literal, its logical name; layers is a keyword
// argument (layers=[…]) or a property of an object argument
// ({layers: […]}). The function's runtime is read from a runtime
// argument written as a string literal. "" and nil when k is elsewhere.
func (a *analysis) resource(k int) (string, *ref.Function) {
	if len(a.resources) == 0 {
		return "", nil
	}
	open, index, ok := a.enclosing(k, '[', 0)
	if !ok || !(a.isPunct(open-1, ':') || a.isPunct(open-1, '=')) || !a.isIdent(open-2, "layers") {
		return "", nil
	}
	call, _, ok := a.enclosing(open-2, '(', 1)
	if !ok {
		return "", nil
	}
	name, _ := a.nameBefore(call)
	if !slices.Contains(a.resources, lastSegments(name, 2)) || call+2 >= len(a.toks) || a.toks[call+1].kind != tString || !a.isPunct(call+2, ',') {
		return "", nil
	}
	logical := a.pieces(a.toks[call+1]).String()
	if logical == "" || strings.ContainsAny(logical, "${}\n") {
		return "", nil
	}
	return "resources." + logical + ".properties.layers[" + strconv.Itoa(index) + "]", a.runtime(call)
}

// runtime is the function a call starting at token call declares when
// it writes its runtime argument as a string literal, else nil.
func (a *analysis) runtime(call int) *ref.Function {
	end := min(a.matchParen(call), len(a.toks))
	for j := call + 1; j+2 < end; j++ {
		if a.isIdent(j, "runtime") && (a.isPunct(j+1, '=') || a.isPunct(j+1, ':')) && a.toks[j+2].kind == tString {
			if r := a.pieces(a.toks[j+2]).String(); r != "" && !strings.ContainsAny(r, "${}\n") {
				return &ref.Function{Runtime: r}
			}
		}
	}
	return nil
}

// enclosing walks back from token k to the opening bracket want that
// holds it at depth 0, passing through at most objects object literals
// ({ of an argument, { layers: [...] }); it returns the bracket's index
// and how many commas at depth 0 lie between it and k. Another bracket or
// a ; at depth 0 means k is not where it was looked for.
func (a *analysis) enclosing(k int, want byte, objects int) (int, int, bool) {
	depth, commas := 0, 0
	for j := k - 1; j >= 0 && j >= k-maxResourceLookBack; j-- {
		if a.toks[j].kind != tPunct {
			continue
		}
		switch c := a.src[a.toks[j].start]; c {
		case ')', ']', '}':
			depth++
		case '(', '[', '{':
			switch {
			case depth > 0:
				depth--
			case c == want:
				return j, commas, true
			case c == '{' && objects > 0:
				objects--
			default:
				return 0, 0, false
			}
		case ';':
			if depth == 0 {
				return 0, 0, false
			}
		case ',':
			if depth == 0 {
				commas++
			}
		}
	}
	return 0, 0, false
}

// isIdent reports whether token k is the identifier name.
func (a *analysis) isIdent(k int, name string) bool {
	return k >= 0 && k < len(a.toks) && a.toks[k].kind == tIdent && string(a.src[a.toks[k].start:a.toks[k].end]) == name
}
