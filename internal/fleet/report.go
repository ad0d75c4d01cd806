package fleet

import (
	"fmt"
	"time"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// FromReport turns what a plan of one repository found into its rows: a
// pin with a change is behind (newest: the change's target), a pin with an
// error is an error or, for a missing version, deleted; a pin the policy
// rejects is a violation whatever else holds. now dates the policy's
// deadlines: a violation before its deadline is still reported as one.
func FromReport(repo string, r bump.Report, pol *policy.Policy, now time.Time) []Row {
	j := newJudge(repo, r, pol, now)
	var rows []Row
	for _, pin := range r.Pins {
		if pin.Version != nil {
			rows = append(rows, j.row(pin))
		}
	}
	return rows
}

// Verdicts returns the verdict FromReport gives each pin of r, for the
// layer index (repostate.Store.ReplaceIndex): the App's fleet view then
// shows the rows `bumpbot report` prints, decided by the same code.
func Verdicts(repo string, r bump.Report, pol *policy.Policy, now time.Time) func(ref.Reference) (repostate.Verdict, bool) {
	j := newJudge(repo, r, pol, now)
	return func(pin ref.Reference) (repostate.Verdict, bool) {
		if pin.Version == nil {
			return repostate.Verdict{}, false
		}
		row := j.row(pin)
		return repostate.Verdict{Newest: row.Newest, Status: string(row.Status), Rule: row.Rule, Detail: row.Detail}, true
	}
}

// at is where a pin, a change or a problem is.
type at struct {
	file      string
	line, col int
}

// judge rates the pins of one repository's plan.
type judge struct {
	repo     string
	changes  map[at]bump.Change
	problems map[at]problem.Problem
	pol      *policy.Policy
	now      time.Time
}

func newJudge(repo string, r bump.Report, pol *policy.Policy, now time.Time) judge {
	j := judge{repo: repo, changes: map[at]bump.Change{}, problems: map[at]problem.Problem{}, pol: pol, now: now}
	for _, c := range r.Changes {
		j.changes[at{c.File, c.Line, c.Column}] = c
	}
	// Every error at a pin, and the notes that say its version is gone
	// (a deleted pin that a bump repairs is a note, not an error).
	for _, p := range r.Notes {
		if p.Kind == problem.DeletedPin {
			j.problems[at{p.File, p.Line, p.Column}] = p
		}
	}
	for _, p := range r.Errors {
		j.problems[at{p.File, p.Line, p.Column}] = p
	}
	return j
}

// row is the row of one pin with a literal version.
func (j judge) row(pin ref.Reference) Row {
	row := Row{Repository: j.repo, File: pin.File, Line: pin.Line, ARN: pin.ARN, Layer: pin.Layer,
		Pinned: *pin.Version, Newest: *pin.Version, Status: Current}
	k := at{pin.File, pin.Line, pin.Column}
	if c, ok := j.changes[k]; ok {
		row.Newest, row.Status = c.To, Behind
	}
	if p, ok := j.problems[k]; ok {
		row.Detail = p.Message
		switch {
		case p.Kind == problem.DeletedPin:
			row.Status = Deleted
		case row.Status == Current:
			row.Status = Error
		}
	}
	if j.pol != nil {
		if vs := j.pol.Check(layerOf(pin), row.Pinned, j.now); len(vs) > 0 {
			row.Status = Violation
			row.Rule = fmt.Sprintf("%s: %s", vs[0].Rule.Layer, vs[0].String())
		}
	}
	return row
}

func layerOf(r ref.Reference) config.Layer {
	return config.Layer{Partition: r.Partition, Region: r.Region, Account: r.Account, Name: r.Layer}
}
