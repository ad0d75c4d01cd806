package cdk

import (
	"bytes"
	"path"
	"strings"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// ScanSource scans the string and template literals of a TypeScript,
// JavaScript, Python, Java, Kotlin, C# or Go source file. References are
// format cdk when the file imports a CDK library, text otherwise.
//
// A + concatenation of literals and identifiers ('arn:aws:lambda:' +
// region + ':…:46') is evaluated as one string, each identifier becoming
// a ${name} placeholder.
func ScanSource(f ref.File) ([]ref.Reference, []problem.Problem) {
	return ScanSourceWith(f, SourceOptions{})
}

// SourceOptions adapt ScanSource to the programs of another tool written
// in the same languages (Pulumi).
type SourceOptions struct {
	// Format of the references; "" decides by the imports (cdk or text).
	Format ref.Format
	// Concat names functions (by their last name: "concat") whose
	// arguments are joined into one string, as Pulumi's Output.concat
	// does: a call of one is evaluated as a + chain of its arguments.
	Concat []string
	// Resources names the constructors of function resources (by their
	// last two names: "lambda.Function") whose first argument is the
	// function's logical name: a reference in their layers list is tied
	// to that function (see resource).
	Resources []string
}

// ScanSourceWith is ScanSource with the options of another tool.
func ScanSourceWith(f ref.File, opts SourceOptions) ([]ref.Reference, []problem.Problem) {
	if !bytes.Contains(f.Src, []byte("arn")) {
		return nil, nil
	}
	fam, ok := familyOf(f.Path)
	if !ok {
		return nil, nil
	}
	lines := ref.NewLines(f.Path, f.Src)
	l := newLexer(f.Src, fam, lines)
	l.run(0, false)
	a := &analysis{lexer: l, format: opts.Format, concat: opts.Concat, resources: opts.Resources}
	if a.format == "" {
		a.format = formatOf(f.Src)
	}
	a.scanTop()
	for _, t := range l.nested {
		a.report(a.pieces(t), "")
	}
	ref.Sort(a.refs)
	return a.refs, nil
}

// familyOf maps a file extension to its language family.
func familyOf(name string) (family, bool) {
	switch strings.ToLower(path.Ext(strings.ReplaceAll(name, `\`, "/"))) {
	case ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs":
		return famJS, true
	case ".py":
		return famPython, true
	case ".java":
		return famJava, true
	case ".kt", ".kts":
		return famKotlin, true
	case ".cs":
		return famCSharp, true
	case ".go":
		return famGo, true
	}
	return 0, false
}

// cdkMarkers are the module names a CDK app imports, one per language.
var cdkMarkers = [][]byte{
	[]byte("aws-cdk-lib"), []byte("@aws-cdk/"), []byte("aws_cdk"),
	[]byte("software.amazon.awscdk"), []byte("Amazon.CDK"), []byte("github.com/aws/aws-cdk-go"),
}

func formatOf(src []byte) ref.Format {
	for _, m := range cdkMarkers {
		if bytes.Contains(src, m) {
			return ref.CDK
		}
	}
	return ref.Text
}

// analysis turns the token stream into references.
type analysis struct {
	*lexer
	format  ref.Format
	refs    []ref.Reference
	closing []int32   // ( token index → ) token index, built on first use
	ops     []operand // reused by chain: most tokens start no chain
	concat  []string  // functions whose arguments are concatenated
	// resources are constructors of functions whose layers are tied.
	resources []string
}

// scanTop evaluates every concatenation chain and lone string literal of
// the top-level tokens.
func (a *analysis) scanTop() {
	toks := a.toks
	for k := 0; k < len(toks); k++ {
		if toks[k].kind != tString && toks[k].kind != tIdent {
			continue
		}
		if k > 0 && a.isPunct(k-1, '+') {
			continue // not the start of a chain
		}
		if next, ok := a.scanConcat(k); ok {
			k = next - 1
			continue
		}
		ops, next := a.chain(k)
		if len(ops) < 2 {
			if toks[k].kind == tString {
				a.scanString(k)
			}
			continue
		}
		a.scanChain(k, ops)
		k = next - 1
	}
}

// operand is one term of a concatenation: a string token, or an
// identifier chain spanning tokens [from, to).
type operand struct{ from, to int }

// chain collects the operands of a + concatenation starting at token k
// (Python's implicit concatenation of adjacent literals included). It
// returns the operands, valid until the next call, and the index past the
// last one.
func (a *analysis) chain(k int) ([]operand, int) {
	first, ok := a.operandAt(k)
	if !ok {
		return nil, k + 1
	}
	a.ops = append(a.ops[:0], first)
	n := first.to
	for n < len(a.toks) {
		switch {
		case a.isPunct(n, '+') && !a.isPunct(n+1, '+') && !a.isPunct(n+1, '='):
			op, ok := a.operandAt(n + 1)
			if !ok {
				return a.ops, n
			}
			a.ops, n = append(a.ops, op), op.to
		case a.fam == famPython && a.toks[n].kind == tString && a.toks[n-1].kind == tString:
			a.ops, n = append(a.ops, operand{n, n + 1}), n+1
		default:
			return a.ops, n
		}
	}
	return a.ops, n
}

// operandAt reads a string literal or a dotted identifier chain with
// calls (Stack.of(this).region) at token k.
func (a *analysis) operandAt(k int) (operand, bool) {
	if k >= len(a.toks) {
		return operand{}, false
	}
	switch a.toks[k].kind {
	case tString:
		return operand{k, k + 1}, true
	case tIdent:
	default:
		return operand{}, false
	}
	n := k + 1
	for n < len(a.toks) {
		switch {
		case a.isPunct(n, '.') && n+1 < len(a.toks) && a.toks[n+1].kind == tIdent:
			n += 2
		case a.isPunct(n, '('):
			n = a.matchParen(n)
		default:
			return operand{k, n}, true
		}
	}
	return operand{k, n}, true
}

// matchParen returns the index past the parenthesis closing the one at
// token n, or the end when it is never closed.
func (a *analysis) matchParen(n int) int {
	if a.closing == nil {
		a.closing = matchParens(a.src, a.toks)
	}
	if c := a.closing[n]; c > 0 {
		return int(c) + 1
	}
	return len(a.toks)
}

// matchParens pairs every ( token with its ) in one pass, so that reading
// operands stays linear however deeply calls nest. The result holds, at
// the index of each matched (, the index of its ); 0 elsewhere.
func matchParens(src []byte, toks []token) []int32 {
	out := make([]int32, len(toks))
	var open []int
	for i, t := range toks {
		if t.kind != tPunct {
			continue
		}
		switch src[t.start] {
		case '(':
			open = append(open, i)
		case ')':
			if len(open) > 0 {
				out[open[len(open)-1]] = int32(i)
				open = open[:len(open)-1]
			}
		}
	}
	return out
}

func (a *analysis) isPunct(k int, c byte) bool {
	return k >= 0 && k < len(a.toks) && a.toks[k].kind == tPunct && a.src[a.toks[k].start] == c
}

// scanString scans the lone literal at token k.
func (a *analysis) scanString(k int) {
	t := a.toks[k]
	if !bytes.Contains(a.src[t.start:t.end], []byte("arn")) {
		return
	}
	a.reportAt(a.pieces(t), k)
}

// scanChain scans a concatenation, identifiers becoming ${name}.
func (a *analysis) scanChain(k int, ops []operand) {
	last := a.toks[ops[len(ops)-1].to-1]
	if !bytes.Contains(a.src[a.toks[k].start:last.end], []byte("arn")) {
		return
	}
	a.reportAt(a.evalOps(ops), k)
}

// evalOps evaluates the operands of a concatenation, identifiers
// becoming ${name}.
func (a *analysis) evalOps(ops []operand) ref.Virtual {
	var v ref.Virtual
	for _, op := range ops {
		t := a.toks[op.from]
		if t.kind == tString {
			v = append(v, a.pieces(t)...)
			continue
		}
		v = append(v, a.hole(op.from, op.to))
	}
	return v
}

// hole is the placeholder of the expression of tokens [from, to): its
// text when short and plain, else ${expr}.
func (a *analysis) hole(from, to int) ref.Piece {
	t := a.toks[from]
	raw := a.src[t.start:a.toks[to-1].end]
	text := "${expr}"
	if len(raw) <= 120 && bytes.IndexAny(raw, "'\"`\n{}") < 0 {
		text = "${" + string(raw) + "}"
	}
	return ref.Synth(text, a.lines.Pos(t.start))
}

// pieces evaluates the string literal token t.
func (a *analysis) pieces(t token) ref.Virtual {
	sp, content, ok := a.stringAt(t.start)
	if !ok {
		return nil
	}
	var v ref.Virtual
	a.quiet = true // the tokens were recorded by the first pass
	a.readString(content, sp, &v)
	a.quiet = false
	return v
}

func (a *analysis) reportAt(v ref.Virtual, k int) {
	if !strings.Contains(v.String(), "arn:") {
		return
	}
	context, fn := a.resource(k)
	if context == "" {
		context = a.context(k)
	}
	a.refs = append(a.refs, find(v, ref.Site{Format: a.format, Context: context, Function: fn})...)
}

func (a *analysis) report(v ref.Virtual, context string) {
	a.refs = append(a.refs, find(v, ref.Site{Format: a.format, Context: context})...)
}
