// Package problem is the one shape of everything bumpbot could not do, or
// wants a reader to know, about a file or a layer reference: a location,
// a kind a program can branch on, and a message for a person. The scanner,
// the planner, the reconcile and the App all speak it, so a problem found
// anywhere reaches every front door (CLI text, JSON, logs, metrics, the
// repository) without anyone parsing "file:line:col:" out of a string.
package problem

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Kind classifies a problem. Kinds are part of the JSON contract and the
// label values of the App's metrics: add new ones, never rename.
type Kind string

// The kinds of problems.
const (
	// Parse: a file could not be parsed; it was scanned for literal ARNs.
	Parse Kind = "parse"
	// Read: a file or directory could not be listed or read.
	Read Kind = "read"
	// TooLarge: a file over the size limit was not read.
	TooLarge Kind = "too-large"
	// AccessDenied: the registry refused to show the layer.
	AccessDenied Kind = "access-denied"
	// Throttled: the registry kept throttling after retries.
	Throttled Kind = "throttled"
	// NotFound: the layer (or the version asked for) does not exist.
	NotFound Kind = "not-found"
	// Credentials: no usable AWS credentials.
	Credentials Kind = "credentials"
	// Incompatible: newer versions exist, none suits the function.
	Incompatible Kind = "incompatible"
	// DeletedPin: the pinned version does not exist any more.
	DeletedPin Kind = "deleted-pin"
	// Placeholder: a field of the ARN is a placeholder bumpbot cannot
	// resolve (an account, or a region without --regions).
	Placeholder Kind = "placeholder"
	// NotLiteral: the version is not one literal in the files.
	NotLiteral Kind = "not-literal"
	// SharedLiteral: a version literal shared by several references.
	SharedLiteral Kind = "shared-literal"
	// Edit: an edit was refused (the result would change more than the
	// version digits, or the file changed since it was read).
	Edit Kind = "edit"
	// Write: a file could not be written.
	Write Kind = "write"
	// Changelog: the layer contents could not be compared.
	Changelog Kind = "changelog"
	// Network: a registry or forge could not be reached.
	Network Kind = "network"
	// Ignored: the configuration says not to bump this layer, or not to
	// these versions.
	Ignored Kind = "ignored"
	// Config: a configuration file is broken.
	Config Kind = "config"
	// Stack: a function's layers are more than AWS accepts.
	Stack Kind = "stack"
	// StackSize: a function's layers unzip to more than AWS accepts for
	// function and layers (an error), or to within 10% of it (a note).
	StackSize Kind = "stack-size"
	// Shadowed: two layers of one function provide the same files, so
	// the later one's are the ones the function sees, or a bump changes
	// which layer that is.
	Shadowed Kind = "shadowed"
	// NotNumeric: a pin's version is not a number (:latest), which AWS
	// does not accept.
	NotNumeric Kind = "not-numeric"
	// Other: anything not classified above.
	Other Kind = "error"
)

// Problem is one located problem. File is a slash-separated path as the
// front door reports it; Line and Column are 1-based, 0 when unknown.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Kind    Kind   `json:"kind"`
	Message string `json:"message"`
	// Err is the error behind the problem, for errors.Is and errors.As;
	// Message already says what it says.
	Err error `json:"-"`
}

// New returns a problem of kind k at file:line:col wrapping err, its
// message the error's text.
func New(k Kind, file string, line, col int, err error) Problem {
	return Problem{File: file, Line: line, Column: col, Kind: k, Message: err.Error(), Err: err}
}

// Newf returns a problem with a formatted message and no wrapped error.
func Newf(k Kind, file string, line, col int, format string, args ...any) Problem {
	return Problem{File: file, Line: line, Column: col, Kind: k, Message: fmt.Sprintf(format, args...)}
}

// Location renders file:line:col, leaving out what is unknown.
func (p Problem) Location() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteString(":" + strconv.Itoa(p.Line))
		if p.Column > 0 {
			b.WriteString(":" + strconv.Itoa(p.Column))
		}
	}
	return b.String()
}

// Error renders "file:line:col: message", the form every text output uses.
func (p Problem) Error() string {
	if p.File == "" {
		return p.Message
	}
	return p.Location() + ": " + p.Message
}

// Unwrap returns the error behind the problem.
func (p Problem) Unwrap() error { return p.Err }

// Sort orders problems by file, line and column, the order of every
// output; it is stable, so problems at one place keep the order found.
func Sort(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
}
