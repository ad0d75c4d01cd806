package cdk

import (
	"slices"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// scanConcat evaluates a call of one of the Concat functions starting at
// token k (pulumi.Output.concat("arn:aws:lambda:", region, ":…:46")) as
// the concatenation of its arguments and returns the index past the
// call. The literals inside are not scanned again on their own.
func (a *analysis) scanConcat(k int) (int, bool) {
	if len(a.concat) == 0 || a.toks[k].kind != tIdent {
		return 0, false
	}
	last := k
	for a.isPunct(last+1, '.') && last+2 < len(a.toks) && a.toks[last+2].kind == tIdent {
		last += 2
	}
	name := string(a.src[a.toks[last].start:a.toks[last].end])
	if !slices.Contains(a.concat, name) || !a.isPunct(last+1, '(') {
		return 0, false
	}
	open := last + 1
	end := a.matchParen(open) // past the closing parenthesis
	if end > len(a.toks) || !a.isPunct(end-1, ')') {
		return 0, false
	}
	var v ref.Virtual
	for i := open + 1; i < end-1; {
		j := a.argEnd(i, end-1)
		if j > i {
			v = append(v, a.evalArg(i, j)...)
		}
		i = j + 1 // past the comma
	}
	a.reportAt(v, k)
	return end, true
}

// argEnd returns the index of the comma (or stop) ending the argument
// that starts at token i, skipping nested brackets.
func (a *analysis) argEnd(i, stop int) int {
	depth := 0
	for ; i < stop; i++ {
		if a.toks[i].kind != tPunct {
			continue
		}
		switch a.src[a.toks[i].start] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				return i
			}
		}
	}
	return stop
}

// evalArg evaluates the argument of tokens [from, to): a lone literal as
// its text, a + chain of literals and names as a chain, anything else as
// a placeholder.
func (a *analysis) evalArg(from, to int) ref.Virtual {
	if to-from == 1 && a.toks[from].kind == tString {
		return a.pieces(a.toks[from])
	}
	if ops, next := a.chain(from); next == to && len(ops) > 0 {
		return a.evalOps(ops)
	}
	return ref.Virtual{a.hole(from, to)}
}
