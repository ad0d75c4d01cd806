package terraform

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// maxEvalDepth bounds the recursion of the evaluator, counting both
// expression nesting and hops through locals and variables.
const maxEvalDepth = 64

type kind uint8

const (
	kUnknown kind = iota // not statically known: rendered as a placeholder
	kNull
	kString
	kNumber
	kBool
	kTuple
	kObject
	kCyclic // memo mark of a name that is part of a reference cycle
)

// val is a statically evaluated value. Strings, numbers and booleans keep
// their text as pieces, so the digits of a version written in a variable
// default still point at that default.
type val struct {
	kind  kind
	str   ref.Virtual // text of a string, number or bool; placeholder of an unknown
	text  bool        // str holds text that is not a placeholder
	holes bool        // str holds a placeholder
	elems []val       // tuple elements, object values
	keys  []string    // object keys
}

// exact returns the text of a value that holds no placeholder.
func (v val) exact() (string, bool) {
	switch v.kind {
	case kString, kNumber, kBool:
		if !v.holes {
			return v.str.String(), true
		}
	}
	return "", false
}

// module is what the evaluator can look names up in.
type module struct {
	files  map[string]*srcFile
	locals map[string]hclsyntax.Expression
	vars   map[string]hclsyntax.Expression // value from auto tfvars, else default
}

// evaluator evaluates expressions of one module statically.
type evaluator struct {
	m *module
	// lenient substitutes every variable default; used for the runtime
	// and architectures of a function, never for ARN text.
	lenient bool
	// lenientEv evaluates the arguments of string functions that build
	// layer names (strfuncs.go), made on first use.
	lenientEv *evaluator
	memo      map[string]val
	busy      map[string]bool
	depth     int
	// cycle records that a name being evaluated was met again.
	cycle bool
}

func newEvaluator(m *module, lenient bool) *evaluator {
	return &evaluator{m: m, lenient: lenient, memo: map[string]val{}, busy: map[string]bool{}}
}

// file returns the file an expression belongs to.
func (ev *evaluator) file(r hcl.Range) *srcFile { return ev.m.files[r.Filename] }

// pos returns the position of the start of r.
func (ev *evaluator) pos(r hcl.Range) ref.Pos {
	if f := ev.file(r); f != nil {
		return f.lines.Pos(r.Start.Byte)
	}
	return ref.Pos{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column, Offset: r.Start.Byte}
}

// unknown renders e as it is written.
func (ev *evaluator) unknown(e hclsyntax.Expression) val {
	var src []byte
	if f := ev.file(e.Range()); f != nil {
		src = f.text(e.Range())
	}
	return val{kind: kUnknown, holes: true, str: ref.Virtual{ref.Synth(placeholder(src), ev.pos(e.Range()))}}
}

func (ev *evaluator) eval(e hclsyntax.Expression) val {
	if e == nil {
		return val{kind: kNull}
	}
	ev.depth++
	defer func() { ev.depth-- }()
	if ev.depth > maxEvalDepth {
		return ev.unknown(e)
	}
	switch e := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		return ev.literal(e)
	case *hclsyntax.TemplateExpr:
		return ev.template(e)
	case *hclsyntax.TemplateWrapExpr:
		return ev.eval(e.Wrapped)
	case *hclsyntax.ParenthesesExpr:
		return ev.eval(e.Expression)
	case *hclsyntax.ScopeTraversalExpr:
		return ev.traversal(e.Traversal, e)
	case *hclsyntax.RelativeTraversalExpr:
		if v, ok := steps(ev.eval(e.Source), e.Traversal); ok {
			return v
		}
	case *hclsyntax.IndexExpr:
		if v, ok := index(ev.eval(e.Collection), ev.eval(e.Key)); ok {
			return v
		}
	case *hclsyntax.ConditionalExpr:
		// A condition on a static boolean (a feature flag in locals)
		// picks its branch; anything else is unknown.
		if c, ok := ev.eval(e.Condition).exact(); ok && (c == "true" || c == "false") {
			if c == "true" {
				return ev.eval(e.TrueResult)
			}
			return ev.eval(e.FalseResult)
		}
	case *hclsyntax.FunctionCallExpr:
		return ev.call(e)
	case *hclsyntax.TupleConsExpr:
		t := val{kind: kTuple, elems: make([]val, 0, len(e.Exprs))}
		for _, el := range e.Exprs {
			t.elems = append(t.elems, ev.eval(el))
		}
		return t
	case *hclsyntax.ObjectConsExpr:
		o := val{kind: kObject}
		for _, it := range e.Items {
			if k, ok := staticKey(it.KeyExpr); ok {
				o.keys = append(o.keys, k)
				o.elems = append(o.elems, ev.eval(it.ValueExpr))
			}
		}
		return o
	}
	return ev.unknown(e)
}

// literal evaluates a number, bool, null or string literal.
func (ev *evaluator) literal(e *hclsyntax.LiteralValueExpr) val {
	v, at := e.Val, ev.pos(e.SrcRange)
	switch {
	case v.IsNull() || !v.IsKnown():
		return val{kind: kNull}
	case v.Type().Equals(cty.Bool):
		return val{kind: kBool, text: true, str: ref.Virtual{ref.Synth(strconv.FormatBool(v.True()), at)}}
	case v.Type().Equals(cty.Number):
		s := numText(v)
		f := ev.file(e.SrcRange)
		if f != nil && string(f.text(e.SrcRange)) == s && !f.noVerbatim(e.SrcRange.Start.Byte) {
			return val{kind: kNumber, text: true, str: ref.Virtual{ref.Lit(f.lines, e.SrcRange.Start.Byte, s)}}
		}
		return val{kind: kNumber, text: true, str: ref.Virtual{ref.Synth(s, at)}}
	case v.Type().Equals(cty.String):
		return ev.stringPart(e, false)
	}
	return ev.unknown(e)
}

// stringPart evaluates a literal part of a template.
func (ev *evaluator) stringPart(e *hclsyntax.LiteralValueExpr, quoted bool) val {
	s := e.Val.AsString()
	f := ev.file(e.SrcRange)
	if f == nil {
		return val{kind: kString, text: s != "", str: ref.Virtual{ref.Synth(s, ev.pos(e.SrcRange))}}
	}
	pieces := literalPieces(f, e.SrcRange.Start.Byte, f.text(e.SrcRange), s, quoted)
	return val{kind: kString, text: s != "", str: pieces}
}

// template concatenates the parts of a quoted string or heredoc.
func (ev *evaluator) template(e *hclsyntax.TemplateExpr) val {
	quoted := false
	if f := ev.file(e.SrcRange); f != nil {
		if b := f.text(e.SrcRange); len(b) > 0 && b[0] == '"' {
			quoted = true
		}
	}
	out := val{kind: kString}
	for _, p := range e.Parts {
		var pv val
		if lit, ok := p.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type().Equals(cty.String) && !lit.Val.IsNull() {
			pv = ev.stringPart(lit, quoted)
		} else {
			pv = ev.asString(ev.eval(p), p)
		}
		out = concat(out, pv)
	}
	return out
}

// asString converts v, the value of e, for use inside a string: a value
// that has no text form (a list, an object) becomes e's placeholder.
func (ev *evaluator) asString(v val, e hclsyntax.Expression) val {
	switch v.kind {
	case kString, kNumber, kBool, kUnknown:
		return v
	case kNull:
		return val{kind: kString}
	}
	return ev.unknown(e)
}

// concat appends the text of b to the string a.
func concat(a, b val) val {
	a.str = append(a.str[:len(a.str):len(a.str)], b.str...)
	a.text = a.text || b.text
	a.holes = a.holes || b.holes
	return a
}

// traversal resolves local.NAME and var.NAME (with attribute and index
// steps after them); every other root (data sources, resources, module
// outputs, count, each, path) is unknown.
func (ev *evaluator) traversal(t hcl.Traversal, e hclsyntax.Expression) val {
	if len(t) < 2 {
		return ev.unknown(e)
	}
	name, ok := t[1].(hcl.TraverseAttr)
	root := t.RootName()
	if !ok || (root != "local" && root != "var") {
		return ev.unknown(e)
	}
	base, ok := ev.resolve(root, name.Name)
	if !ok {
		return ev.unknown(e)
	}
	v, ok := steps(base, t[2:])
	if !ok || !ev.substitutes(root, v) {
		return ev.unknown(e)
	}
	return v
}

// substitutes decides whether a resolved value replaces the reference.
// Locals are constants of the module, so any value with text does. A
// variable can be set by the caller, so only what bumpbot is about is
// substituted: a version (a number or digits) and text holding an ARN.
// A region or account in a variable stays the placeholder it is written
// as, rather than pinning the reference to one default region.
func (ev *evaluator) substitutes(root string, v val) bool {
	switch v.kind {
	case kUnknown, kNull:
		return false
	case kTuple, kObject:
		return true
	case kString:
		if !v.text {
			return false
		}
	}
	if root == "local" || ev.lenient {
		return true
	}
	if v.kind == kNumber {
		return true
	}
	s := v.str.String()
	return isDigits(s) || strings.Contains(s, "arn:")
}

// resolve evaluates the definition of local.NAME or var.NAME once. A name
// met again while it is being evaluated is a cycle: every name on it stays
// unknown.
func (ev *evaluator) resolve(root, name string) (val, bool) {
	key := root + "." + name
	if ev.busy[key] {
		ev.cycle = true
		return val{}, false
	}
	if v, ok := ev.memo[key]; ok {
		return v, v.kind != kCyclic
	}
	defs := ev.m.locals
	if root == "var" {
		defs = ev.m.vars
	}
	e, ok := defs[name]
	if !ok {
		return val{}, false
	}
	outer := ev.cycle
	ev.cycle = false
	ev.busy[key] = true
	v := ev.eval(e)
	delete(ev.busy, key)
	inCycle := ev.cycle
	ev.cycle = outer || inCycle
	if inCycle {
		// Part of a reference cycle (which Terraform rejects): whatever
		// was computed depends on an arbitrary cut, so it is not a value.
		v = val{kind: kCyclic}
	}
	ev.memo[key] = v
	return v, !inCycle
}

// steps applies attribute and index steps to v.
func steps(v val, t hcl.Traversal) (val, bool) {
	for _, s := range t {
		var ok bool
		switch s := s.(type) {
		case hcl.TraverseAttr:
			v, ok = member(v, s.Name)
		case hcl.TraverseIndex:
			v, ok = indexCty(v, s.Key)
		}
		if !ok {
			return val{}, false
		}
	}
	return v, true
}

func indexCty(v val, k cty.Value) (val, bool) {
	if k.IsNull() || !k.IsKnown() {
		return val{}, false
	}
	switch {
	case k.Type().Equals(cty.String):
		return member(v, k.AsString())
	case k.Type().Equals(cty.Number):
		return at(v, numText(k))
	}
	return val{}, false
}

// index applies coll[key] with a statically known key.
func index(coll, key val) (val, bool) {
	k, ok := key.exact()
	if !ok {
		return val{}, false
	}
	if key.kind == kNumber {
		return at(coll, k)
	}
	if v, ok := member(coll, k); ok {
		return v, true
	}
	return at(coll, k)
}

func member(v val, name string) (val, bool) {
	if v.kind != kObject {
		return val{}, false
	}
	for i, k := range v.keys {
		if k == name {
			return v.elems[i], true
		}
	}
	return val{}, false
}

func at(v val, i string) (val, bool) {
	n, err := strconv.Atoi(i)
	if v.kind != kTuple || err != nil || n < 0 || n >= len(v.elems) {
		return val{}, false
	}
	return v.elems[n], true
}

// numText renders a known number the way Terraform prints it.
func numText(v cty.Value) string {
	bf := v.AsBigFloat()
	if i, acc := bf.Int64(); acc == big.Exact {
		return strconv.FormatInt(i, 10) // the common case, much cheaper
	}
	return bf.Text('f', -1)
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
