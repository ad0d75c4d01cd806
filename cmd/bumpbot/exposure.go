package main

import (
	"context"
	"fmt"

	"github.com/bumpbot/bumpbot/internal/changelog"
	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// exposure finds, for audit --advisories, the advisories a pinned layer
// version is exposed to although a newer version of the layer is not:
// what a bump would fix. Layers are resolved and compared once per
// version, however many pins name them.
type exposure struct {
	builder *changelog.Builder
	regions []string
	seen    map[string][]violation
}

// check returns the violations of one pin: one per advisory affecting a
// package of the pinned version that the newest version no longer holds.
func (e *exposure) check(ctx context.Context, r ref.Reference) ([]violation, error) {
	region := r.Region
	if layerarn.IsPlaceholder(region) {
		if len(e.regions) == 0 {
			return nil, nil
		}
		region = e.regions[0]
	}
	if layerarn.IsPlaceholder(r.Account) || layerarn.IsPlaceholder(r.Layer) || r.Version == nil {
		return nil, nil
	}
	partition := r.Partition
	if layerarn.IsPlaceholder(partition) {
		partition = layerarn.PartitionOf(region)
	}
	pinned := layerarn.ARN{Partition: partition, Region: region, Account: r.Account, Name: r.Layer, Version: *r.Version}
	key := pinned.String()
	if vs, ok := e.seen[key]; ok {
		return locate(vs, r), nil
	}
	versions, err := e.builder.Registry.Versions(ctx, pinned)
	if err != nil {
		return nil, err
	}
	var out []violation
	if n := len(versions); n > 0 && versions[n-1] > pinned.Version {
		newest := versions[n-1]
		c, err := e.builder.Build(ctx, pinned, pinned.WithVersion(newest))
		if err != nil {
			return nil, err
		}
		if c.Advisories != nil {
			for _, f := range c.Advisories.Fixed {
				msg := fmt.Sprintf("contains %s %s, affected by %s", f.Package, f.Version, f.Advisory)
				if f.Summary != "" {
					msg += " (" + f.Summary + ")"
				}
				msg += fmt.Sprintf("; layer version %d no longer does", newest)
				out = append(out, violation{Layer: r.Layer, Version: pinned.Version, Why: "exposed to " + f.Advisory,
					Due: true, Rule: f.Advisory, Message: msg})
			}
		}
	}
	if e.seen == nil {
		e.seen = map[string][]violation{}
	}
	e.seen[key] = out
	return locate(out, r), nil
}

// locate puts violations found for a layer version at one reference.
func locate(vs []violation, r ref.Reference) []violation {
	out := make([]violation, len(vs))
	for i, v := range vs {
		v.Pos, v.ARN = r.Pos, r.ARN
		out[i] = v
	}
	return out
}
