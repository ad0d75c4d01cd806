package terraform

import (
	"path"
	"sort"
	"strings"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// srcFile is one parsed file of the module.
type srcFile struct {
	path  string
	src   []byte
	lines *ref.Lines
	// escaped lists the JSON strings that held escapes: their template was
	// parsed from the decoded text, so its offsets count decoded bytes and
	// nothing in them is verbatim.
	escaped []escapedString
	root    *block
}

type escapedString struct {
	rng  hcl.Range // the JSON string, quotes included
	text string    // its decoded text
}

// within returns the escaped string holding offset off, if any.
func (f *srcFile) within(off int) *escapedString {
	for i := range f.escaped {
		if r := f.escaped[i].rng; off >= r.Start.Byte && off < r.End.Byte {
			return &f.escaped[i]
		}
	}
	return nil
}

// noVerbatim reports whether offset off lies in a string whose decoded
// text differs from its source bytes.
func (f *srcFile) noVerbatim(off int) bool { return f.within(off) != nil }

// text returns what an expression's range covers: file bytes, or decoded
// text inside an escaped JSON string. Out-of-range requests return nil.
func (f *srcFile) text(r hcl.Range) []byte {
	src, base := f.src, 0
	if e := f.within(r.Start.Byte); e != nil {
		src, base = []byte(e.text), e.rng.Start.Byte+1
	}
	start, end := r.Start.Byte-base, r.End.Byte-base
	if start < 0 || end > len(src) || start > end {
		return nil
	}
	return src[start:end]
}

// block is the shape both HCL syntaxes are reduced to: a block type with
// labels, attributes in source order and nested blocks. The root of a file
// is a block with an empty type. JSON files only produce top-level blocks:
// deeper objects stay object expressions, which the walker treats alike.
type block struct {
	typ    string
	labels []string
	attrs  []attr
	blocks []*block
}

type attr struct {
	name string
	expr hclsyntax.Expression
}

// attr returns the expression of the attribute called name, or nil.
func (b *block) attr(name string) hclsyntax.Expression {
	for _, a := range b.attrs {
		if a.name == name {
			return a.expr
		}
	}
	return nil
}

// nativeBlock converts a native syntax body.
func nativeBlock(typ string, labels []string, body *hclsyntax.Body) *block {
	b := &block{typ: typ, labels: labels}
	if body == nil {
		return b
	}
	for _, a := range body.Attributes {
		b.attrs = append(b.attrs, attr{name: a.Name, expr: a.Expr})
	}
	// Attributes come from a map: source order keeps the output stable.
	sort.Slice(b.attrs, func(i, j int) bool {
		return b.attrs[i].expr.Range().Start.Byte < b.attrs[j].expr.Range().Start.Byte
	})
	for _, nb := range body.Blocks {
		b.blocks = append(b.blocks, nativeBlock(nb.Type, nb.Labels, nb.Body))
	}
	return b
}

// blockLabels is how many labels each top-level block type of Terraform
// has, which is how the nested objects of a JSON file are read as blocks.
var blockLabels = map[string]int{
	"resource": 2, "data": 2, "ephemeral": 2,
	"module": 1, "variable": 1, "output": 1, "provider": 1, "check": 1,
	"locals": 0, "terraform": 0,
}

// jsonRoot reads the top-level properties of a JSON file as blocks when
// their name is a Terraform block type and as attributes otherwise
// (tfvars.json and unknown keys).
func jsonRoot(attrs []attr) *block {
	root := &block{}
	for _, a := range attrs {
		n, isBlock := blockLabels[a.name]
		if !isBlock {
			root.attrs = append(root.attrs, a)
			continue
		}
		jsonBlocks(root, a.name, nil, n, a.expr)
	}
	return root
}

// jsonBlocks unpacks labels (object keys) until n are read, then the body.
// Arrays at any of these levels repeat the block, as Terraform allows.
func jsonBlocks(parent *block, typ string, labels []string, n int, e hclsyntax.Expression) {
	switch e := e.(type) {
	case *hclsyntax.TupleConsExpr:
		for _, el := range e.Exprs {
			jsonBlocks(parent, typ, labels, n, el)
		}
	case *hclsyntax.ObjectConsExpr:
		if n == 0 {
			b := &block{typ: typ, labels: labels}
			for _, it := range e.Items {
				if k, ok := staticKey(it.KeyExpr); ok && k != "//" {
					b.attrs = append(b.attrs, attr{name: k, expr: it.ValueExpr})
				}
			}
			parent.blocks = append(parent.blocks, b)
			return
		}
		for _, it := range e.Items {
			if k, ok := staticKey(it.KeyExpr); ok && k != "//" {
				jsonBlocks(parent, typ, append(labels[:len(labels):len(labels)], k), n-1, it.ValueExpr)
			}
		}
	}
}

// staticKey returns the name of an object key written as an identifier or
// a literal string.
func staticKey(e hclsyntax.Expression) (string, bool) {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		if !k.ForceNonLiteral {
			if t, ok := k.Wrapped.(*hclsyntax.ScopeTraversalExpr); ok && len(t.Traversal) == 1 {
				return t.Traversal.RootName(), true
			}
		}
		e = k.Wrapped
	}
	t, ok := e.(*hclsyntax.TemplateExpr)
	if !ok || len(t.Parts) != 1 {
		return "", false
	}
	lit, ok := t.Parts[0].(*hclsyntax.LiteralValueExpr)
	if !ok || !lit.Val.Type().Equals(cty.String) || lit.Val.IsNull() {
		return "", false
	}
	return lit.Val.AsString(), true
}

// isJSON reports whether a file name is HCL JSON syntax.
func isJSON(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".json") }

// isAutoVars reports whether Terraform loads a variables file by itself;
// its values override variable defaults. Other .tfvars files are chosen on
// the command line, so they are scanned for ARNs but not used as values.
func isAutoVars(name string) bool {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/")))
	base = strings.TrimSuffix(base, ".json")
	return base == "terraform.tfvars" || strings.HasSuffix(base, ".auto.tfvars")
}

// varsOrder sorts auto-loaded variables files the way Terraform loads
// them: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json)
// by name.
func varsOrder(name string) string {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/")))
	switch base {
	case "terraform.tfvars":
		return "0"
	case "terraform.tfvars.json":
		return "1"
	}
	return "2" + base
}

// isVarsFile reports whether a file holds variable values (no blocks).
func isVarsFile(name string) bool {
	base := strings.ToLower(name)
	return strings.HasSuffix(base, ".tfvars") || strings.HasSuffix(base, ".tfvars.json")
}
