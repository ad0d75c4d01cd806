package terraform

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// maxJSONDepth bounds the nesting the JSON converter follows; deeper values
// are dropped rather than risking the stack on hostile input.
const maxJSONDepth = 200

// jsonAttrs converts the top-level properties of a parsed HCL JSON file
// into native syntax expressions, in source order, so one evaluator serves
// both syntaxes. Strings are parsed as templates, as Terraform does.
func jsonAttrs(f *srcFile, body hcl.Body) []attr {
	attrs, _ := body.JustAttributes()
	out := make([]attr, 0, len(attrs))
	for name, a := range attrs {
		out = append(out, attr{name: name, expr: fromJSON(f, a.Expr, 0)})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].expr.Range().Start.Byte < out[j].expr.Range().Start.Byte
	})
	return out
}

type jsonObject interface{ ExprMap() []hcl.KeyValuePair }
type jsonArray interface{ ExprList() []hcl.Expression }

// fromJSON converts one JSON value.
func fromJSON(f *srcFile, e hcl.Expression, depth int) hclsyntax.Expression {
	rng := e.Range()
	if depth > maxJSONDepth {
		return &hclsyntax.LiteralValueExpr{Val: cty.NullVal(cty.DynamicPseudoType), SrcRange: rng}
	}
	if o, ok := e.(jsonObject); ok {
		if kvs := o.ExprMap(); kvs != nil {
			obj := &hclsyntax.ObjectConsExpr{SrcRange: rng, OpenRange: rng}
			for _, kv := range kvs {
				k, _ := kv.Key.Value(nil)
				if !k.Type().Equals(cty.String) || k.IsNull() {
					continue
				}
				key := &hclsyntax.TemplateExpr{
					Parts:    []hclsyntax.Expression{&hclsyntax.LiteralValueExpr{Val: k, SrcRange: kv.Key.Range()}},
					SrcRange: kv.Key.Range(),
				}
				obj.Items = append(obj.Items, hclsyntax.ObjectConsItem{
					KeyExpr:   &hclsyntax.ObjectConsKeyExpr{Wrapped: key, ForceNonLiteral: true},
					ValueExpr: fromJSON(f, kv.Value, depth+1),
				})
			}
			return obj
		}
	}
	if a, ok := e.(jsonArray); ok {
		if els := a.ExprList(); els != nil {
			tup := &hclsyntax.TupleConsExpr{SrcRange: rng, OpenRange: rng}
			for _, el := range els {
				tup.Exprs = append(tup.Exprs, fromJSON(f, el, depth+1))
			}
			return tup
		}
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.Type().Equals(cty.String) || v.IsNull() {
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: rng}
	}
	return jsonString(f, v.AsString(), rng)
}

// jsonString parses the decoded text of a JSON string as a template. The
// template's offsets count decoded bytes from just after the opening
// quote, which are file offsets only when the string held no escapes; the
// other strings are recorded so that nothing in them is taken as verbatim.
func jsonString(f *srcFile, s string, rng hcl.Range) hclsyntax.Expression {
	lit := &hclsyntax.TemplateExpr{
		Parts:    []hclsyntax.Expression{&hclsyntax.LiteralValueExpr{Val: cty.StringVal(s), SrcRange: rng}},
		SrcRange: rng,
	}
	start, end := rng.Start.Byte+1, rng.End.Byte-1
	if start > end || end > len(f.src) || string(f.src[start:end]) != s {
		f.escaped = append(f.escaped, escapedString{rng: rng, text: s})
	}
	inner := hcl.Pos{Line: rng.Start.Line, Column: rng.Start.Column + 1, Byte: rng.Start.Byte + 1}
	t, diags := hclsyntax.ParseTemplate([]byte(s), f.path, inner)
	if diags.HasErrors() {
		// Not a valid template: Terraform would reject it; keep the text.
		f.escaped = append(f.escaped, escapedString{rng: rng, text: s})
		return lit
	}
	// The template's range becomes the whole JSON string, quotes included,
	// like a native quoted template.
	switch t := t.(type) {
	case *hclsyntax.TemplateExpr:
		t.SrcRange = rng
	case *hclsyntax.TemplateWrapExpr:
		t.SrcRange = rng
	}
	return t
}
