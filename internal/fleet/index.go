package fleet

import (
	"slices"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/repostate"
)

// FromIndex builds the rows of the App's fleet view from its stored
// state: the layer index (every pin as each repository's last reconcile
// found it), the newest version of each layer per region (the poll per
// layer), and the problems each reconcile recorded at those pins. A pin
// whose region is a placeholder is behind when a newer version exists in
// any region it stands for (regions).
func FromIndex(pins []repostate.Pin, newest map[[3]string]repostate.Newest, problems map[repostate.RepoKey][]repostate.Recorded, regions []string) []Row {
	rows := make([]Row, 0, len(pins))
	for _, p := range pins {
		row := Row{Repository: p.Repo, File: p.File, Line: p.Line, ARN: arnOf(p), Layer: p.Layer,
			Pinned: p.Version, Newest: p.Version, Status: Current}
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
		i := slices.IndexFunc(problems[repostate.RepoKey{Installation: p.Installation, Repo: p.Repo}], func(r repostate.Recorded) bool {
			return r.File == p.File && r.Line == p.Line
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
