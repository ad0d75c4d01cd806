package bump

import (
	"fmt"
	"slices"

	"github.com/bumpbot/bumpbot/internal/rewrite"
)

// LayerPlan is the part of a plan that moves some layers: what one pull
// request holds.
type LayerPlan struct {
	// LayerID is "account:name", the same in every region, when the part
	// moves one layer; "" when it moves several.
	LayerID    string
	Changes    []Change
	Changelogs []Entry
	// Files hold the original bytes with only this part's edits applied,
	// sorted by path.
	Files []FileEdit
}

// LayerIDs lists the layers the plan moves, sorted.
func (p Plan) LayerIDs() []string {
	var ids []string
	for _, c := range p.Changes {
		ids = append(ids, c.LayerID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// ByLayer splits the plan per layer, sorted by LayerID.
func (p Plan) ByLayer() ([]LayerPlan, error) {
	var out []LayerPlan
	for _, id := range p.LayerIDs() {
		g, err := p.Part(id)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// Part is the part of the plan that moves the given layers together: two
// layers pinned in one file give one file holding both edits, where two
// per-layer parts would each hold one.
func (p Plan) Part(ids ...string) (LayerPlan, error) {
	g := LayerPlan{}
	if len(ids) == 1 {
		g.LayerID = ids[0]
	}
	for _, c := range p.Changes {
		if slices.Contains(ids, c.LayerID) {
			g.Changes = append(g.Changes, c)
		}
	}
	for i, e := range p.Changelogs {
		if i < len(p.changelogLayers) && slices.Contains(ids, p.changelogLayers[i]) {
			g.Changelogs = append(g.Changelogs, e)
		}
	}
	for _, f := range p.Files {
		var edits []rewrite.Edit
		for _, e := range f.edits {
			if slices.Contains(ids, e.layerID) {
				edits = append(edits, e.edit)
			}
		}
		if len(edits) == 0 {
			continue
		}
		after := f.After
		if len(edits) < len(f.edits) {
			var err error
			if after, err = rewrite.Apply(f.Path, f.Before, edits); err != nil {
				return LayerPlan{}, fmt.Errorf("split per layer: %w", err)
			}
		}
		g.Files = append(g.Files, FileEdit{Path: f.Path, Before: f.Before, After: after})
	}
	return g, nil
}
