package reconcile

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// BumpPlanner is the Planner of bumpbot: internal/bump over a layer
// registry, one Update per layer.
type BumpPlanner struct {
	Registry layers.Registry
	Options  bump.Options
}

// Plan implements Planner.
func (p BumpPlanner) Plan(ctx context.Context, in bump.Input) (Plan, error) {
	opts := p.Options
	if c := in.Config; c != nil {
		if c.Strategy != "" {
			s, err := layers.ParseStrategy(c.Strategy)
			if err != nil {
				return Plan{}, err
			}
			opts.Strategy = s
		}
		if len(c.Regions) > 0 {
			opts.Regions = c.Regions
		}
		opts.Ignore = c.Ignored
	}
	if in.Rejected != nil {
		opts.Rejected = in.Rejected
	}
	plan := bump.PlanInput(ctx, in, p.Registry, opts)
	out := Plan{Report: plan.Report}
	groups, err := plan.ByLayer()
	if err != nil {
		return out, err
	}
	for _, g := range groups {
		if len(g.Files) > 0 {
			out.Updates = append(out.Updates, updateOf(g, plan))
		}
	}
	out.Merge = func(parts []Update) (Update, error) {
		ids := make([]string, 0, len(parts))
		for _, u := range parts {
			ids = append(ids, u.ID)
		}
		g, err := plan.Part(ids...)
		if err != nil {
			return Update{}, err
		}
		u := updateOf(g, plan)
		if len(parts) > 1 {
			// Several layers: no one layer, region or version names it.
			u.Layer, u.Partition, u.Region, u.Account, u.From, u.To = "", "", "", "", 0, 0
		}
		u.Parts = parts
		return u, nil
	}
	return out, nil
}

// updateOf turns a part of the plan into an update: its files, and a body
// of its changelogs and of the plan's notes and errors on those files.
func updateOf(g bump.LayerPlan, plan bump.Plan) Update {
	u := Update{ID: g.LayerID}
	if len(g.Changes) > 0 {
		u.Layer, u.From, u.To = g.Changes[0].Layer, g.Changes[0].From, g.Changes[0].To
	}
	if i := strings.LastIndex(g.LayerID, ":"); i >= 0 && u.Layer == "" {
		u.Layer = g.LayerID[i+1:]
	}
	for _, c := range g.Changes {
		u.From, u.To = min(u.From, c.From), max(u.To, c.To)
		if u.Region == "" {
			u.Partition, u.Region, u.Account = c.Partition, c.Region, c.Account
		}
		m := Move{At: ref.Pos{File: c.File, Line: c.Line, Column: c.Column}, Function: c.Function, From: c.From, To: c.To, FromText: c.FromText}
		m.VersionAt = m.At
		if c.VersionAt != nil {
			m.VersionAt = *c.VersionAt
		}
		u.Moves = append(u.Moves, m)
	}
	var paths []string
	for _, f := range g.Files {
		u.Files = append(u.Files, ref.File{Path: f.Path, Src: f.After})
		paths = append(paths, f.Path)
	}
	var b strings.Builder
	var notes, stacks []string
	for i, n := range append(slices.Clone(plan.Errors), plan.Notes...) {
		if !concerns(u, paths, n) {
			continue
		}
		line := fmt.Sprintf("- `%s`: %s", n.Location(), n.Message)
		switch {
		case !stackKinds[n.Kind]:
			notes = append(notes, line)
		case i < len(plan.Errors):
			stacks = append(stacks, fmt.Sprintf("- **error** `%s`: %s", n.Location(), n.Message))
		default:
			stacks = append(stacks, line)
		}
	}
	// What the functions will make of the bumped stack comes first: an
	// error there is a deployment that fails.
	if len(stacks) > 0 {
		b.WriteString("#### The functions' layer stacks after this bump\n\n" + strings.Join(stacks, "\n") + "\n\n")
	}
	for _, e := range g.Changelogs {
		b.WriteString(strings.TrimRight(e.Markdown, "\n"))
		b.WriteString("\n\n")
	}
	if len(notes) > 0 {
		b.WriteString("#### Notes\n\n" + strings.Join(notes, "\n") + "\n")
	}
	u.Body = b.String()
	return u
}

// stackKinds are the problems of a function's whole stack of layers,
// which a pull request states before its changelog.
var stackKinds = map[problem.Kind]bool{problem.Stack: true, problem.StackSize: true, problem.Shadowed: true}

// concerns reports whether a problem belongs in an update's description:
// it is about one of the pins the update moves (at the reference or its
// version literal), or about a whole file the update edits. A note about
// another layer of the same file stays out of this pull request.
func concerns(u Update, paths []string, p problem.Problem) bool {
	if !slices.Contains(paths, p.File) && !slices.ContainsFunc(u.Moves, func(m Move) bool { return m.At.File == p.File }) {
		return false
	}
	if p.Line == 0 {
		return true
	}
	for _, m := range u.Moves {
		for _, at := range []ref.Pos{m.At, m.VersionAt} {
			if at.File == p.File && at.Line == p.Line {
				return true
			}
		}
	}
	return false
}
