package cdk

import "strings"

// maxLookBack bounds how far back context is searched, keeping the cost
// per reference constant.
const maxLookBack = 256

// wrappers are calls that only convert or format a string; the context
// of a literal inside one is taken from around the wrapper.
var wrappers = map[string]bool{
	"jsii.String": true, "jsii.Sprintf": true, "fmt.Sprintf": true, "String.format": true,
	"string.Format": true, "String": true, "str": true, "Fn.sub": true, "Fn.join": true,
	"Token.asString": true, "cdk.Fn.sub": true, "core.Fn.sub": true,
}

// keywords that take a parenthesized expression but are not calls.
var keywords = map[string]bool{
	"if": true, "for": true, "while": true, "switch": true, "return": true, "catch": true,
	"elif": true, "in": true, "not": true, "and": true, "or": true, "typeof": true, "await": true,
}

// context describes where the expression starting at token k sits: the
// call it is an argument of (LayerVersion.fromLayerVersionArn), else the
// variable or property it is assigned to (const powertoolsArn, layerArn),
// else "".
func (a *analysis) context(k int) string {
	depth := 0
	expr := k // first token of the expression, moved out of wrappers
	for j := k - 1; j >= 0 && j >= k-maxLookBack; j-- {
		if a.toks[j].kind != tPunct {
			continue
		}
		switch a.src[a.toks[j].start] {
		case ')', ']', '}':
			depth++
		case '[':
			if depth > 0 {
				depth--
				continue
			}
			expr = j // an array element: name the array (layers: [...])
		case '(':
			if depth > 0 {
				depth--
				continue
			}
			name, from := a.nameBefore(j)
			switch {
			case name == "":
				expr = j // a grouping parenthesis: look around it
			case keywords[name]:
				return a.assigned(expr)
			case wrappers[lastSegments(name, 2)] || wrappers[name]:
				expr = from
			default:
				return lastSegments(name, 2)
			}
		case '{':
			if depth == 0 {
				return a.assigned(expr)
			}
			depth--
		case ';':
			if depth == 0 {
				return a.assigned(expr)
			}
		}
	}
	return a.assigned(expr)
}

// nameBefore returns the dotted identifier chain ending just before token
// j, and the index of its first token.
func (a *analysis) nameBefore(j int) (string, int) {
	from := j
	for from-1 >= 0 && a.toks[from-1].kind == tIdent {
		from--
		if !a.isPunct(from-1, '.') || from-2 < 0 || a.toks[from-2].kind != tIdent {
			break
		}
		from--
	}
	if from == j {
		return "", j
	}
	return string(a.src[a.toks[from].start:a.toks[j-1].end]), from
}

// assigned names what the expression at token k is assigned to:
// "const name" / "let name" / "val name", a bare or dotted name for other
// assignments (Python, Java, Go :=, this.arn =), or an object, dict or
// keyword-argument key.
func (a *analysis) assigned(k int) string {
	switch {
	case a.isPunct(k-1, '=') && !a.isPunct(k-2, '=') && !a.isPunct(k-2, '!') && !a.isPunct(k-2, '<') && !a.isPunct(k-2, '>'):
		eq := k - 1
		if a.isPunct(eq-1, ':') { // Go :=
			eq--
		}
		name, from := a.nameBefore(eq)
		if name == "" {
			return ""
		}
		if a.isPunct(from-1, ':') { // TypeScript/Python annotation: name: Type =
			if n, f := a.nameBefore(from - 1); n != "" {
				name, from = n, f
			}
		}
		if from > 0 && a.toks[from-1].kind == tIdent {
			switch kw := string(a.src[a.toks[from-1].start:a.toks[from-1].end]); kw {
			case "const", "let", "var", "val":
				return kw + " " + name
			}
		}
		return name
	case a.isPunct(k-1, ':') && !a.isPunct(k-3, '?') && k-2 >= 0:
		t := a.toks[k-2]
		switch t.kind {
		case tIdent:
			return string(a.src[t.start:t.end])
		case tString:
			// A quoted key is a name only when it looks like one; a key
			// holding an ARN would make the context change with an edit.
			if key := strings.Trim(string(a.src[t.start:t.end]), "'\"`"); len(key) <= 64 && !strings.ContainsAny(key, ": \t\n\\${}") {
				return key
			}
		}
	}
	return ""
}

// lastSegments keeps the last n dotted segments of name:
// lambda.LayerVersion.fromLayerVersionArn → LayerVersion.fromLayerVersionArn.
func lastSegments(name string, n int) string {
	parts := strings.Split(name, ".")
	if len(parts) > n {
		parts = parts[len(parts)-n:]
	}
	return strings.Join(parts, ".")
}
