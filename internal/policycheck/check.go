// Package policycheck is the required check of a change against the
// org's security policy: which violating pins a pull request adds or
// edits, which of them fail the check (as the policy's enforcement.check
// says), and the check's conclusion, summary and annotations. The App's
// bumpbot/policy check run and `bumpbot audit --since` share it.
package policycheck

import (
	"fmt"
	"strings"
	"time"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// The values of enforcement.check.
const (
	ChangedLines            = "changed-lines"
	EverythingAfterDeadline = "everything-after-deadline"
	Off                     = "off"
)

// Mode returns the policy's enforcement.check, ChangedLines when unset.
func Mode(pol policy.Policy) string {
	if pol.Enforcement.Check == "" {
		return ChangedLines
	}
	return pol.Enforcement.Check
}

// Due says whether a violation at file:line fails the check of a change
// whose changed lines are changed (nil: no change, the whole tree is
// audited and a violation is due once its deadline passed, pastDeadline).
// With changed-lines a violation on a changed line is due whatever its
// deadline, so a change can neither add nor keep a violating pin on the
// lines it touches; everything-after-deadline adds every violation past
// its deadline, wherever it is; off enforces nothing.
func Due(mode string, changed Changed, file string, line int, pastDeadline bool) (onChanged, due bool) {
	if changed == nil {
		return false, pastDeadline
	}
	onChanged = changed.Has(file, line)
	switch mode {
	case Off:
		return onChanged, false
	case EverythingAfterDeadline:
		return onChanged, onChanged || pastDeadline
	}
	return onChanged, onChanged
}

// Finding is one pin a rule rejects, as a check sees it.
type Finding struct {
	Ref       ref.Reference
	Violation policy.Violation
	// Changed: the pin sits on a line the change adds or edits.
	Changed bool
	// Due: the finding fails the check.
	Due bool
}

// Evaluate checks every pinned reference against pol at now; changed
// holds the lines the change touches, by the references' files. It
// returns the findings, in the references' order, and how many pins it
// checked.
func Evaluate(pol policy.Policy, refs []ref.Reference, changed Changed, now time.Time) ([]Finding, int) {
	mode := Mode(pol)
	var out []Finding
	pins := 0
	for _, r := range refs {
		if r.Version == nil {
			continue
		}
		pins++
		l := config.Layer{Partition: r.Partition, Region: r.Region, Account: r.Account, Name: r.Layer}
		for _, v := range pol.Check(l, *r.Version, now) {
			f := Finding{Ref: r, Violation: v}
			f.Changed, f.Due = Due(mode, changed, r.File, r.Line, v.Due)
			out = append(out, f)
		}
	}
	return out, pins
}

// Conclusions of a check run.
const (
	Success = "success"
	Failure = "failure"
)

// Annotation is a message at a line of a file, as a check run shows it
// in the pull request's diff.
type Annotation struct {
	Path  string
	Line  int
	Level string // failure or notice
	Title string
	Text  string
}

// Outcome is what the check run says: its conclusion, a one-line title, a
// Markdown summary and the annotations.
type Outcome struct {
	Conclusion  string
	Title       string
	Summary     string
	Annotations []Annotation
}

// Conclude turns findings into the check's outcome: failure when one is
// due, with a failure annotation at each due pin and a notice at each
// other pin the change touches.
func Conclude(pol policy.Policy, findings []Finding, pins int) Outcome {
	var due, reported []Finding
	var o Outcome
	for _, f := range findings {
		if f.Due {
			due = append(due, f)
		} else {
			reported = append(reported, f)
		}
		if f.Due || f.Changed {
			a := Annotation{Path: f.Ref.File, Line: f.Ref.Line, Level: "notice",
				Title: fmt.Sprintf("%s:%d violates the security policy", f.Ref.Layer, f.Violation.Version), Text: f.Violation.String()}
			if f.Due {
				a.Level = "failure"
			}
			o.Annotations = append(o.Annotations, a)
		}
	}
	var b strings.Builder
	mode := Mode(pol)
	if len(due) == 0 {
		o.Conclusion = Success
		o.Title = fmt.Sprintf("%s checked: %s", plural(pins, "pin"), passed(mode))
		fmt.Fprintf(&b, "%s.\n", o.Title)
	} else {
		o.Conclusion = Failure
		o.Title = fmt.Sprintf("%s the security policy rejects", plural(len(due), "pin"))
		fmt.Fprintf(&b, "Of %s checked, these %s (enforcement: `%s`):\n\n", plural(pins, "pin"), dueWhy(mode), mode)
		list(&b, due)
	}
	if len(reported) > 0 {
		fmt.Fprintf(&b, "\nReported, not enforced on this pull request:\n\n")
		list(&b, reported)
	}
	o.Summary = b.String()
	return o
}

// passed says why a check passed.
func passed(mode string) string {
	switch mode {
	case Off:
		return "enforcement is off"
	case EverythingAfterDeadline:
		return "none is past its deadline, and this pull request adds or changes none the security policy rejects"
	}
	return "this pull request adds or changes none the security policy rejects"
}

func dueWhy(mode string) string {
	if mode == EverythingAfterDeadline {
		return "are pinned past their rule's deadline or added or changed by this pull request, at versions the security policy rejects"
	}
	return "are added or changed by this pull request at versions the security policy rejects"
}

func list(b *strings.Builder, fs []Finding) {
	for _, f := range fs {
		fmt.Fprintf(b, "- `%s:%d`: `%s:%d`: %s\n", f.Ref.File, f.Ref.Line, f.Ref.Layer, f.Violation.Version, f.Violation.String())
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
