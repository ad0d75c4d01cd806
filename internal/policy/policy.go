// Package policy is the security team's word on layer versions, for a whole
// org: bumpbot-policy.yml, in the org's .github repository (or --policy
// for the CLI), says which pinned versions are not allowed ("below 60",
// "62 is withdrawn"), why, and from when. Audits and checks evaluate pins
// against it; bumps never land on a version it denies.
package policy

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/config"
)

// Path is where an org keeps its policy: the root of its .github
// repository.
const Path = "bumpbot-policy.yml"

// Policy is a parsed bumpbot-policy.yml (schema version 1).
type Policy struct {
	Version     int         `yaml:"version"`
	Rules       []Rule      `yaml:"rules"`
	Advisories  []string    `yaml:"advisories"`
	SecurityPR  SecurityPR  `yaml:"security-pr"`
	Enforcement Enforcement `yaml:"enforcement"`
}

// Rule constrains the versions of the layers it matches.
type Rule struct {
	// Layer is a layer name or a full ARN without version, with globs in
	// any field ("arn:aws:lambda:*:017000801446:layer:Powertools*").
	Layer string `yaml:"layer"`
	// Minimum: pins below it violate the rule (0: none).
	Minimum int `yaml:"minimum"`
	// Deny lists withdrawn versions.
	Deny     []int  `yaml:"deny"`
	Reason   string `yaml:"reason"`
	Link     string `yaml:"link"`
	Deadline Date   `yaml:"deadline"`
}

// Date is a calendar day (2026-12-31); the zero Date is no date.
type Date struct{ time.Time }

// UnmarshalYAML reads YYYY-MM-DD.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	t, err := time.Parse(time.DateOnly, n.Value)
	if err != nil {
		return fmt.Errorf("deadline %q: want a date like 2026-12-31", n.Value)
	}
	d.Time = t
	return nil
}

// SecurityPR is how the pull requests that fix violations are opened.
type SecurityPR struct {
	Labels        []string `yaml:"labels"`
	TeamReviewers []string `yaml:"team-reviewers"`
	Automerge     bool     `yaml:"automerge"`
}

// Enforcement says what the required check blocks.
type Enforcement struct {
	// Check is "changed-lines" (the default: a pull request may not add
	// or keep a violating pin on the lines it changes),
	// "everything-after-deadline" (any violating pin fails the check once
	// its rule's deadline passed) or "off".
	Check string `yaml:"check"`
}

// Parse decodes a policy strictly: unknown keys, wrong types and bad
// values are config.ParseErrors, each at its line and column.
func Parse(file string, src []byte) (Policy, error) {
	var p Policy
	var errs config.ParseErrors
	if err := config.DecodeYAML(file, src, &p); err != nil {
		pe, ok := errors.AsType[config.ParseErrors](err)
		if !ok {
			return Policy{}, err
		}
		errs = pe
	}
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil {
		return Policy{}, errs // a syntax error, already said
	}
	add := func(msg string, path ...string) {
		line, col := config.Locate(&doc, path...)
		errs = append(errs, config.ParseError{Path: file, Line: line, Column: col, Message: msg})
	}
	if p.Version != 1 {
		add(fmt.Sprintf("version: %d is not supported: write version: 1", p.Version), "version")
	}
	for i, r := range p.Rules {
		at := func(msg string) { add(fmt.Sprintf("rules[%d]: %s", i, msg), "rules", strconv.Itoa(i)) }
		switch {
		case r.Layer == "":
			at("a rule needs a layer")
		case r.Minimum < 0:
			at("minimum must be a version number")
		case r.Minimum == 0 && len(r.Deny) == 0:
			at("a rule needs a minimum or a deny list")
		}
	}
	switch p.Enforcement.Check {
	case "", "changed-lines", "everything-after-deadline", "off":
	default:
		add(fmt.Sprintf("enforcement.check %q: want changed-lines, everything-after-deadline or off", p.Enforcement.Check), "enforcement", "check")
	}
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b config.ParseError) int { return a.Line - b.Line })
		return Policy{}, errs
	}
	return p, nil
}

// Violation is a pinned version a rule does not allow.
type Violation struct {
	Rule    Rule
	Version int
	// Why says which constraint: "below the minimum 60" or "withdrawn".
	Why string
	// Due is false while the rule's deadline is in the future: the pin
	// is reported, not yet enforced.
	Due bool
}

// String renders the violation for a person.
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "version %d is %s", v.Version, v.Why)
	if v.Rule.Reason != "" {
		b.WriteString(": " + v.Rule.Reason)
	}
	if v.Rule.Link != "" {
		b.WriteString(" (" + v.Rule.Link + ")")
	}
	if !v.Rule.Deadline.IsZero() {
		if v.Due {
			fmt.Fprintf(&b, "; deadline %s passed", v.Rule.Deadline.Format(time.DateOnly))
		} else {
			fmt.Fprintf(&b, "; deadline %s", v.Rule.Deadline.Format(time.DateOnly))
		}
	}
	return b.String()
}

// Check evaluates one pin at time now: every rule matching the layer that
// the version breaks.
func (p Policy) Check(l config.Layer, version int, now time.Time) []Violation {
	var out []Violation
	for _, r := range p.Rules {
		if !config.MatchLayer(r.Layer, l) {
			continue
		}
		due := r.Deadline.IsZero() || !now.Before(r.Deadline.Time.AddDate(0, 0, 1))
		if r.Minimum > 0 && version < r.Minimum {
			out = append(out, Violation{Rule: r, Version: version, Why: fmt.Sprintf("below the minimum %d", r.Minimum), Due: due})
		}
		if slices.Contains(r.Deny, version) {
			out = append(out, Violation{Rule: r, Version: version, Why: "withdrawn (denied)", Due: due})
		}
	}
	return out
}

// Allows reports whether a bump may land on version: no rule of the layer
// denies it or puts it below its minimum. Deadlines do not matter here:
// bumpbot never moves a pin onto a version the policy rejects.
func (p Policy) Allows(l config.Layer, version int) bool {
	return len(p.Check(l, version, time.Time{})) == 0
}

// Ranges returns the versions of l the policy rejects, as version ranges
// a bump steps over (see bump.Options.Ignore).
func (p Policy) Ranges(l config.Layer) []config.VersionRange {
	var out []config.VersionRange
	for _, r := range p.Rules {
		if !config.MatchLayer(r.Layer, l) {
			continue
		}
		if r.Minimum > 1 {
			out = append(out, config.VersionRange{Min: 1, Max: r.Minimum - 1})
		}
		for _, v := range r.Deny {
			out = append(out, config.VersionRange{Min: v, Max: v})
		}
	}
	return out
}

// Load reads and parses the policy file at path; a file that cannot be
// read is a *config.LoadError.
func Load(path string) (Policy, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return Policy{}, &config.LoadError{Path: path, Err: err}
	}
	return Parse(path, src)
}
