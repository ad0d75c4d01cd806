package terraform

import (
	"strconv"
	"strings"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// maxValueDepth bounds how deep a list or object value is searched.
const maxValueDepth = 16

// walker visits every expression of a module and evaluates the ones that
// can produce a string (templates, references, function calls), so an ARN
// is found wherever it is written or assembled.
type walker struct {
	ev      *evaluator
	lenient *evaluator // for function runtimes; made when first needed
	found   []finding
}

// finding is a reference plus what deduplication needs to know about it.
type finding struct {
	ref ref.Reference
	// natural is where the ARN's first byte came from (the file bytes of
	// a literal, or the expression a synthesized piece stands for).
	natural ref.Pos
	// shadow means no byte of the ARN was written at the site: the whole
	// ARN came from a local or variable, whose own definition reports it.
	shadow bool
	site   hcl.Range
}

func (w *walker) file(f *srcFile) {
	for _, a := range f.root.attrs {
		var fn *ref.Function
		if a.name == "inputs" {
			// Terragrunt passes a module's inputs in one object.
			if o, ok := a.expr.(*hclsyntax.ObjectConsExpr); ok {
				fn = w.function(objectAttr(o, "runtime"), objectAttr(o, "architectures"))
			}
		}
		self := ""
		if isAutoVars(f.path) {
			self = "var." + a.name
		}
		w.definition(self, a.expr, a.name, fn)
	}
	for _, b := range f.root.blocks {
		w.block(b, topPath(b), w.consumer(b), true)
	}
}

func (w *walker) block(b *block, path string, fn *ref.Function, top bool) {
	for _, a := range b.attrs {
		self := ""
		switch {
		case top && b.typ == "locals":
			self = "local." + a.name
		case top && b.typ == "variable" && a.name == "default" && len(b.labels) == 1:
			self = "var." + b.labels[0]
		}
		w.definition(self, a.expr, path+"."+a.name, fn)
	}
	for _, nb := range b.blocks {
		w.block(nb, joinPath(path, nb.typ, nb.labels), fn, false)
	}
}

// definition walks the expression that defines self (a local or a
// variable value; "" for any other attribute). While it is walked, self
// refers to nothing, so a definition that uses itself shows the
// reference as written instead of a copy of its own text.
func (w *walker) definition(self string, e hclsyntax.Expression, path string, fn *ref.Function) {
	if self != "" && !w.ev.busy[self] {
		w.ev.busy[self] = true
		defer delete(w.ev.busy, self)
	}
	w.expr(e, path, fn)
}

// topPath names a top-level block the way Terraform addresses it:
// aws_lambda_function.api, data.aws_x.y, module.fn, variable.v, locals.
func topPath(b *block) string {
	if b.typ == "resource" && len(b.labels) > 0 {
		return strings.Join(b.labels, ".")
	}
	return joinPath("", b.typ, b.labels)
}

func joinPath(parent, typ string, labels []string) string {
	parts := make([]string, 0, len(labels)+2)
	if parent != "" {
		parts = append(parts, parent)
	}
	parts = append(parts, typ)
	parts = append(parts, labels...)
	return strings.Join(parts, ".")
}

// consumer returns what is known of the function a top-level block
// defines: an aws_lambda_function resource, or a module called with a
// runtime or architectures input.
func (w *walker) consumer(b *block) *ref.Function {
	isFunc := b.typ == "resource" && len(b.labels) > 0 && b.labels[0] == "aws_lambda_function"
	isModule := b.typ == "module" && (b.attr("runtime") != nil || b.attr("architectures") != nil)
	if !isFunc && !isModule {
		return nil
	}
	return w.function(b.attr("runtime"), b.attr("architectures"))
}

// function evaluates a runtime and an architectures expression; what is
// not statically known is left empty.
func (w *walker) function(runtime, archs hclsyntax.Expression) *ref.Function {
	if runtime == nil && archs == nil {
		return nil
	}
	if w.lenient == nil {
		w.lenient = newEvaluator(w.ev.m, true)
	}
	fn := &ref.Function{}
	if runtime != nil {
		if s, ok := w.lenient.eval(runtime).exact(); ok && isRuntime(s) {
			fn.Runtime = s
		}
	}
	if archs != nil {
		if v := w.lenient.eval(archs); v.kind == kTuple {
			for _, el := range v.elems {
				if s, ok := el.exact(); ok && (s == "x86_64" || s == "arm64") {
					fn.Architectures = append(fn.Architectures, s)
				}
			}
		}
	}
	if fn.Runtime == "" && len(fn.Architectures) == 0 {
		return nil
	}
	return fn
}

func objectAttr(o *hclsyntax.ObjectConsExpr, name string) hclsyntax.Expression {
	for _, it := range o.Items {
		if k, ok := staticKey(it.KeyExpr); ok && k == name {
			return it.ValueExpr
		}
	}
	return nil
}

// expr walks e and everything below it. Sites (expressions that may
// evaluate to a string) are evaluated and searched; their children are
// walked too, so an ARN inside something the evaluator gave up on (a
// conditional, an unknown function) is still found. Deduplication later
// keeps one reference per ARN occurrence.
func (w *walker) expr(e hclsyntax.Expression, path string, fn *ref.Function) {
	switch e := e.(type) {
	case *hclsyntax.TemplateExpr:
		w.site(e, path, fn, false)
		w.parts(e, path, fn)
	case *hclsyntax.TemplateWrapExpr:
		w.expr(e.Wrapped, path, fn)
	case *hclsyntax.ParenthesesExpr:
		w.expr(e.Expression, path, fn)
	case *hclsyntax.ScopeTraversalExpr:
		w.site(e, path, fn, false)
	case *hclsyntax.RelativeTraversalExpr:
		w.site(e, path, fn, false)
		w.expr(e.Source, path, fn)
	case *hclsyntax.IndexExpr:
		w.site(e, path, fn, false)
		w.expr(e.Collection, path, fn)
		w.expr(e.Key, path, fn)
	case *hclsyntax.FunctionCallExpr:
		v := w.site(e, path, fn, true)
		for i, a := range e.Args {
			if i == 0 && v.kind != kUnknown && (e.Name == "format" || e.Name == "formatlist") {
				// The spec of an evaluated format is not an ARN of its
				// own, even when "arn:%s:lambda:..." looks like one.
				if t, ok := a.(*hclsyntax.TemplateExpr); ok {
					w.parts(t, path, fn)
					continue
				}
			}
			w.expr(a, path, fn)
		}
	case *hclsyntax.ConditionalExpr:
		w.expr(e.Condition, path, fn)
		w.expr(e.TrueResult, path, fn)
		w.expr(e.FalseResult, path, fn)
	case *hclsyntax.ForExpr:
		w.expr(e.CollExpr, path, fn)
		w.expr(e.KeyExpr, path, fn)
		w.expr(e.ValExpr, path, fn)
		w.expr(e.CondExpr, path, fn)
	case *hclsyntax.TupleConsExpr:
		for i, el := range e.Exprs {
			w.expr(el, path+"["+strconv.Itoa(i)+"]", fn)
		}
	case *hclsyntax.ObjectConsExpr:
		for _, it := range e.Items {
			if k, ok := staticKey(it.KeyExpr); ok {
				w.expr(it.ValueExpr, keyPath(path, k), fn)
				continue
			}
			w.expr(it.KeyExpr, path, fn)
			w.expr(it.ValueExpr, path, fn)
		}
	case *hclsyntax.ObjectConsKeyExpr:
		w.expr(e.Wrapped, path, fn)
	case *hclsyntax.BinaryOpExpr:
		w.expr(e.LHS, path, fn)
		w.expr(e.RHS, path, fn)
	case *hclsyntax.UnaryOpExpr:
		w.expr(e.Val, path, fn)
	case *hclsyntax.SplatExpr:
		w.expr(e.Source, path, fn)
		w.expr(e.Each, path, fn)
	case *hclsyntax.TemplateJoinExpr:
		w.expr(e.Tuple, path, fn)
	}
}

// parts walks the interpolations of a template.
func (w *walker) parts(e *hclsyntax.TemplateExpr, path string, fn *ref.Function) {
	for _, p := range e.Parts {
		if _, lit := p.(*hclsyntax.LiteralValueExpr); !lit {
			w.expr(p, path, fn)
		}
	}
}

// keyPath appends an object key: .name when it is an identifier,
// ["key"] otherwise.
func keyPath(path, k string) string {
	if hclsyntax.ValidIdentifier(k) {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	return path + "[" + strconv.Quote(k) + "]"
}

// site evaluates e and searches every string in its value.
func (w *walker) site(e hclsyntax.Expression, path string, fn *ref.Function, assembled bool) val {
	v := w.ev.eval(e)
	w.value(v, e.Range(), path, fn, assembled, 0)
	return v
}

func (w *walker) value(v val, site hcl.Range, path string, fn *ref.Function, assembled bool, depth int) {
	switch {
	case depth > maxValueDepth:
	case v.kind == kString:
		w.find(v.str, site, path, fn, assembled)
	case v.kind == kTuple:
		for i, el := range v.elems {
			w.value(el, site, path+"["+strconv.Itoa(i)+"]", fn, assembled, depth+1)
		}
	case v.kind == kObject:
		for i, el := range v.elems {
			w.value(el, site, keyPath(path, v.keys[i]), fn, assembled, depth+1)
		}
	}
}

// find runs the ARN matcher on one evaluated string found at site and
// places each reference: at the ARN's first byte when that byte is
// written at the site, otherwise at the start of the site expression. An
// assembled ARN (join, format) is placed at the call unless it sits whole
// in one literal.
func (w *walker) find(v ref.Virtual, site hcl.Range, path string, fn *ref.Function, assembled bool) {
	s := v.String()
	if !strings.Contains(s, ":layer:") {
		return
	}
	refs := v.Find(ref.Site{Format: ref.Terraform, Context: path, Function: fn})
	matches := layerarn.FindAll(s)
	if len(matches) != len(refs) {
		return // cannot happen: Find runs the same matcher
	}
	sitePos := w.ev.pos(site)
	for i, r := range refs {
		m := matches[i]
		start, _, _ := v.Locate(m.Start)
		inSite := start.Verbatim && inRange(start.At, site)
		if r.VersionAt != nil && r.VersionLen != len(strconv.Itoa(*r.Version)) {
			// "07": an edit writes the decimal version, which would not
			// be the same kind of text; leave it to a human.
			r.VersionAt, r.VersionLen = nil, 0
		}
		f := finding{ref: r, natural: r.Pos, site: site, shadow: true}
		for _, p := range spanPieces(v, m.Start, m.End) {
			if inRange(p.At, site) {
				f.shadow = false
			}
		}
		oneLiteral := start.Verbatim && len(spanPieces(v, m.Start, m.End)) == 1
		if !inSite || (assembled && !oneLiteral) {
			f.ref.Pos = sitePos
		}
		w.found = append(w.found, f)
	}
}

// spanPieces returns the pieces overlapping bytes [i, j) of v.
func spanPieces(v ref.Virtual, i, j int) []ref.Piece {
	var out []ref.Piece
	off := 0
	for _, p := range v {
		end := off + len(p.Text)
		if off < j && end > i {
			out = append(out, p)
		}
		off = end
	}
	return out
}

func inRange(p ref.Pos, r hcl.Range) bool {
	return p.File == r.Filename && p.Offset >= r.Start.Byte && p.Offset < r.End.Byte
}

// isRuntime tells a Lambda runtime identifier (python3.12, nodejs20.x,
// provided.al2023, java21) from other text an attribute may hold.
func isRuntime(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.') {
			return false
		}
	}
	return true
}
