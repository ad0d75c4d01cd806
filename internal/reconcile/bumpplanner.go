package reconcile

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// BumpPlanner is the Planner of bumpbot: internal/bump over a layer
// registry, one Update per layer.
type BumpPlanner struct {
	Registry layers.Registry
	Options  bump.Options
}

// Plan implements Planner.
func (p BumpPlanner) Plan(ctx context.Context, files []ref.File) ([]Update, error) {
	plan := bump.PlanFiles(ctx, files, p.Registry, p.Options)
	groups, err := plan.ByLayer()
	if err != nil {
		return nil, err
	}
	var out []Update
	for _, g := range groups {
		if len(g.Files) == 0 || len(g.Changes) == 0 {
			continue
		}
		u := Update{Layer: g.Changes[0].Layer, From: g.Changes[0].From, To: g.Changes[0].To}
		if i := strings.LastIndex(g.LayerID, ":"); i >= 0 && u.Layer == "" {
			u.Layer = g.LayerID[i+1:]
		}
		var paths []string
		for _, c := range g.Changes {
			u.From, u.To = min(u.From, c.From), max(u.To, c.To)
			if ms := layerarn.FindAll(c.ARNTo); len(ms) > 0 && u.Region == "" {
				u.Region = ms[0].Region
			}
		}
		for _, f := range g.Files {
			u.Files = append(u.Files, ref.File{Path: f.Path, Src: f.After})
			paths = append(paths, f.Path)
		}
		var b strings.Builder
		for _, e := range g.Changelogs {
			b.WriteString(strings.TrimRight(e.Markdown, "\n"))
			b.WriteString("\n\n")
		}
		var notes []string
		for _, n := range append(slices.Clone(plan.Notes), plan.Errors...) {
			if slices.Contains(paths, n.File) {
				notes = append(notes, fmt.Sprintf("- `%s`: %s", n.File, n.Message))
			}
		}
		if len(notes) > 0 {
			b.WriteString("#### Notes\n\n" + strings.Join(notes, "\n") + "\n")
		}
		u.Body = b.String()
		out = append(out, u)
	}
	return out, nil
}
