package main

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/policycheck"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

func init() { register(newAuditCmd) }

// now is the clock of audit's deadlines; tests set it.
var now = time.Now

func newAuditCmd() *cobra.Command {
	var policyPath, since, regions string
	var asJSON, asSARIF bool
	var lf layerFlags
	var af advisoryFlags
	cmd := &cobra.Command{
		Use:   "audit [--policy FILE] [--advisories DIR --registry …] [--since REV] [--json|--sarif] PATH...",
		Short: "Check every pinned Lambda layer version under PATH against a security policy",
		Long: `audit scans PATH like scan and checks every pinned layer version against
the policy FILE (bumpbot-policy.yml: minimum versions, withdrawn versions,
deadlines): "where are we exposed?", in CI.

Each violation is printed as file:line:col: layer:N: why, with the rule's
reason and link. A violation whose rule's deadline is still ahead is a
note; one without a deadline, or past it, is an error. With --json it
prints {"violations":[...],"errors":[...],"notes":[...]}; with --sarif a
SARIF 2.1.0 log for GitHub code scanning (github/codeql-action/upload-sarif):
a due violation is an error result, the others notes, paths relative to
where audit runs.

--since REV makes audit the required check of a pull request, as the
policy's enforcement.check says: with changed-lines (the default) a
violation on a line that differs from REV (the pull request's base) is an
error whatever its deadline, and the others are notes, so a pull request
can neither add nor keep a violating pin on the lines it touches; with
everything-after-deadline every violation past its deadline is an error
too, wherever it is; with off every violation is a note. Each PATH must be a git checkout.

--advisories DIR (OSV JSON files) also checks what is inside each pinned
layer version: a pin whose version holds a package an advisory affects,
while the newest version of the layer no longer does, is a violation
("contains urllib3 1.26.5, affected by GHSA-…; layer version 79 no longer
does"). The layers are read as bump reads them (--registry, --regions).

Exit status: 0 when no violation is due and nothing failed, 3 when a
violation is due (as govulncheck does), 1 when a file or a layer could not
be read, 2 on usage error (including a policy file that does not parse:
each mistake with its line and column).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON && asSARIF {
				return usagef("--json and --sarif are exclusive")
			}
			if policyPath == "" && len(af.paths) == 0 {
				return usagef("--policy FILE or --advisories DIR is required")
			}
			var pol policy.Policy
			if policyPath != "" {
				p, err := loadPolicy(policyPath)
				if err != nil {
					return err
				}
				pol = p
			}
			var exp *exposure
			if len(af.paths) > 0 {
				rs, err := regionsFlag(cmd, regions, "BUMPBOT_REGIONS")
				if err != nil {
					return err
				}
				b, err := openLayers(cmd, &lf, &af)
				if err != nil {
					return err
				}
				exp = &exposure{builder: b, regions: rs}
			}
			out := auditOutput{Violations: []violation{}, Errors: []problem.Problem{}, Notes: []problem.Problem{}}
			for _, p := range args {
				res, err := rewrite.ScanPath(p, rewrite.Options{})
				if err != nil {
					out.Errors = append(out.Errors, problem.New(problem.Read, p, 0, 0, err))
					continue
				}
				out.changed, out.enforce = nil, policycheck.Mode(pol)
				if since != "" {
					if out.changed, err = changedLines(p, since); err != nil {
						out.Errors = append(out.Errors, problem.New(problem.Read, p, 0, 0, err))
						continue
					}
				}
				for _, w := range res.Warnings {
					w.File = filepath.ToSlash(res.OSPath(w.File))
					out.Notes = append(out.Notes, w)
				}
				for _, r := range res.Refs {
					rel := r.File
					r.File = filepath.ToSlash(res.OSPath(r.File))
					out.check(pol, r, rel)
					if exp == nil {
						continue
					}
					vs, err := exp.check(cmd.Context(), r)
					if err != nil {
						out.Errors = append(out.Errors, problem.New(problem.Changelog, r.File, r.Line, r.Column, err))
					}
					out.add(rel, vs...)
				}
			}
			print := out.print
			if asSARIF {
				print = func(w, _ io.Writer, _ bool) error { return out.writeSARIF(w) }
			}
			if err := print(cmd.OutOrStdout(), cmd.ErrOrStderr(), asJSON); err != nil {
				return err
			}
			switch {
			case len(out.Errors) > 0:
				return silentError{exitError}
			case out.due > 0:
				return silentError{exitViolations}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&policyPath, "policy", "", "the policy file (bumpbot-policy.yml)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.Flags().BoolVar(&asSARIF, "sarif", false, "print SARIF 2.1.0, for GitHub code scanning")
	lf.add(cmd)
	af.add(cmd)
	cmd.Flags().StringVar(&regions, "regions", "", "regions for ARNs whose region is a placeholder (with --advisories)")
	cmd.Flags().StringVar(&since, "since", "", "check a pull request: only what changed since this git revision (its base) is enforced")
	return cmd
}

// violation is one pin a rule rejects (the JSON contract of audit --json).
type violation struct {
	ref.Pos
	ARN      string `json:"arn"`
	Layer    string `json:"layer"`
	Version  int    `json:"version"`
	Why      string `json:"why"`
	Reason   string `json:"reason,omitempty"`
	Link     string `json:"link,omitempty"`
	Deadline string `json:"deadline,omitempty"`
	Due      bool   `json:"due"`
	Rule     string `json:"rule"`
	Message  string `json:"message"`
	// Changed: the pin sits on a line changed since --since.
	Changed bool `json:"changed,omitempty"`
}

type auditOutput struct {
	Violations []violation       `json:"violations"`
	Errors     []problem.Problem `json:"errors"`
	Notes      []problem.Problem `json:"notes"`
	pins, due  int
	// changed are the lines changed since --since, per file of the PATH
	// being checked; nil without --since. enforce is the policy's check.
	changed policycheck.Changed
	enforce string
}

// check evaluates one reference against the policy; rel is its file
// relative to the PATH scanned.
func (o *auditOutput) check(pol policy.Policy, r ref.Reference, rel string) {
	if r.Version == nil {
		return
	}
	o.pins++
	l := config.Layer{Partition: r.Partition, Region: r.Region, Account: r.Account, Name: r.Layer}
	for _, v := range pol.Check(l, *r.Version, now()) {
		vi := violation{Pos: r.Pos, ARN: r.ARN, Layer: r.Layer, Version: v.Version, Why: v.Why,
			Reason: v.Rule.Reason, Link: v.Rule.Link, Due: v.Due, Rule: v.Rule.Layer, Message: v.String()}
		if !v.Rule.Deadline.IsZero() {
			vi.Deadline = v.Rule.Deadline.Format(time.DateOnly)
		}
		o.add(rel, vi)
	}
}

// add records violations of pins of the file rel (relative to the PATH
// scanned). For a pull request's check (--since) what the change touches
// is enforced now and what it leaves alone is reported.
func (o *auditOutput) add(rel string, vs ...violation) {
	for _, v := range vs {
		if o.changed != nil {
			v.Changed, v.Due = policycheck.Due(o.enforce, o.changed, rel, v.Line, v.Due)
		}
		o.Violations = append(o.Violations, v)
		if v.Due {
			o.due++
		}
	}
}

func (o auditOutput) print(w, errw io.Writer, asJSON bool) error {
	if asJSON {
		return writeJSON(w, o)
	}
	printProblems(errw, o.Errors, o.Notes)
	for _, v := range o.Violations {
		sev := "error"
		if !v.Due {
			sev = "note"
		}
		fmt.Fprintf(w, "%s: %s: %s:%d: %s\n", v.Pos, sev, v.Layer, v.Version, v.Message)
	}
	fmt.Fprintf(w, "%d pins checked: %d violate the policy (%d due), %d errors\n", o.pins, len(o.Violations), o.due, len(o.Errors))
	return nil
}
