package bump

import (
	"fmt"
	"sort"

	"github.com/bumpbot/bumpbot/internal/rewrite"
)

// LayerPlan is the part of a plan that moves one layer: what one pull
// request per layer holds.
type LayerPlan struct {
	// LayerID is "account:name", the same in every region.
	LayerID    string
	Changes    []Change
	Changelogs []Entry
	// Files hold the original bytes with only this layer's edits applied.
	Files []FileEdit
}

// ByLayer splits the plan per layer, sorted by LayerID.
func (p Plan) ByLayer() ([]LayerPlan, error) {
	groups := map[string]*LayerPlan{}
	get := func(id string) *LayerPlan {
		if groups[id] == nil {
			groups[id] = &LayerPlan{LayerID: id}
		}
		return groups[id]
	}
	for _, c := range p.Changes {
		g := get(c.LayerID)
		g.Changes = append(g.Changes, c)
	}
	for i, e := range p.Changelogs {
		if i < len(p.changelogLayers) {
			g := get(p.changelogLayers[i])
			g.Changelogs = append(g.Changelogs, e)
		}
	}
	for _, f := range p.Files {
		byLayer := map[string][]rewrite.Edit{}
		for _, e := range f.edits {
			byLayer[e.layerID] = append(byLayer[e.layerID], e.edit)
		}
		for id, edits := range byLayer {
			after, err := rewrite.Apply(f.Path, f.Before, edits)
			if err != nil {
				return nil, fmt.Errorf("split per layer: %w", err)
			}
			g := get(id)
			g.Files = append(g.Files, FileEdit{Path: f.Path, Before: f.Before, After: after})
		}
	}
	out := make([]LayerPlan, 0, len(groups))
	for _, g := range groups {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LayerID < out[j].LayerID })
	return out, nil
}
