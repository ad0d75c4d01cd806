package fleet

import (
	"fmt"
	"time"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// FromReport turns what a plan of one repository found into its rows: a
// pin with a change is behind (newest: the change's target), a pin with an
// error is an error or, for a missing version, deleted; a pin the policy
// rejects is a violation whatever else holds. now dates the policy's
// deadlines: a violation before its deadline is still reported as one.
func FromReport(repo string, r bump.Report, pol *policy.Policy, now time.Time) []Row {
	type at struct {
		file      string
		line, col int
	}
	changes := map[at]bump.Change{}
	for _, c := range r.Changes {
		changes[at{c.File, c.Line, c.Column}] = c
	}
	// Every error at a pin, and the notes that say its version is gone
	// (a deleted pin that a bump repairs is a note, not an error).
	problems := map[at]problem.Problem{}
	for _, p := range r.Notes {
		if p.Kind == problem.DeletedPin {
			problems[at{p.File, p.Line, p.Column}] = p
		}
	}
	for _, p := range r.Errors {
		problems[at{p.File, p.Line, p.Column}] = p
	}
	var rows []Row
	for _, pin := range r.Pins {
		if pin.Version == nil {
			continue
		}
		row := Row{Repository: repo, File: pin.File, Line: pin.Line, ARN: pin.ARN, Layer: pin.Layer,
			Pinned: *pin.Version, Newest: *pin.Version, Status: Current}
		k := at{pin.File, pin.Line, pin.Column}
		if c, ok := changes[k]; ok {
			row.Newest, row.Status = c.To, Behind
		}
		if p, ok := problems[k]; ok {
			row.Detail = p.Message
			switch {
			case p.Kind == problem.DeletedPin:
				row.Status = Deleted
			case row.Status == Current:
				row.Status = Error
			}
		}
		if pol != nil {
			if vs := pol.Check(layerOf(pin), row.Pinned, now); len(vs) > 0 {
				row.Status = Violation
				row.Rule = fmt.Sprintf("%s: %s", vs[0].Rule.Layer, vs[0].String())
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func layerOf(r ref.Reference) config.Layer {
	return config.Layer{Partition: r.Partition, Region: r.Region, Account: r.Account, Name: r.Layer}
}
