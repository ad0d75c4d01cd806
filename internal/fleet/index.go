package fleet

import (
	"slices"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/repostate"
)

// FromIndex builds the rows of the App's fleet view from its stored
// state: the layer index (every pin as each repository's last reconcile
// found it, with that reconcile's verdict: the rows `bumpbot report`
// prints, see Verdicts). A pin indexed without a verdict (by a version
// that did not record them) is rated from the rest of the state: the
// newest version of each layer per region (the poll per layer) and the
// problems the reconcile recorded at the pin; when its region is a
// placeholder it is behind when a newer version exists in any region it
// stands for (regions).
func FromIndex(pins []repostate.Pin, newest map[[3]string]repostate.Newest, problems map[repostate.RepoKey][]repostate.Recorded, regions []string) []Row {
	rows := make([]Row, 0, len(pins))
	for _, p := range pins {
		row := Row{Repository: p.Repo, File: p.File, Line: p.Line, ARN: arnOf(p), Layer: p.Layer,
			Pinned: p.Version, Newest: p.Version, Status: Current}
		if v := p.Verdict; v != nil {
			row.Newest, row.Status, row.Rule, row.Detail = v.Newest, Status(v.Status), v.Rule, v.Detail
			rows = append(rows, row)
			continue
		}
		in := []string{p.Region}
		if layerarn.IsPlaceholder(p.Region) {
			in = regions
		}
		for _, r := range in {
			if n, ok := newest[[3]string{p.Account, p.Layer, r}]; ok && n.Version > row.Newest {
				row.Newest = n.Version
			}
		}
		if row.Newest > row.Pinned {
			row.Status = Behind
		}
		// As FromReport: errors at the pin, and the note that its version
		// is gone; other notes (a changelog that could not be read) say
		// nothing about the pin's status.
		i := slices.IndexFunc(problems[repostate.RepoKey{Installation: p.Installation, Repo: p.Repo}], func(r repostate.Recorded) bool {
			return r.File == p.File && r.Line == p.Line && (r.Severity == repostate.Error || r.Kind == problem.DeletedPin)
		})
		if i >= 0 {
			pr := problems[repostate.RepoKey{Installation: p.Installation, Repo: p.Repo}][i]
			row.Detail = pr.Message
			switch {
			case pr.Kind == problem.DeletedPin:
				row.Status = Deleted
			case pr.Severity == repostate.Error && row.Status == Current:
				row.Status = Error
			}
		}
		rows = append(rows, row)
	}
	Sort(rows)
	return rows
}

func arnOf(p repostate.Pin) string {
	return layerarn.ARN{Partition: p.Partition, Region: p.Region, Account: p.Account, Name: p.Layer, Version: p.Version}.String()
}
