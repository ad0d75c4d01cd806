package layers

import (
	"context"

	"github.com/bumpbot/bumpbot/internal/layerarn"
)

// Listing is what a registry knows about the versions of one layer in one
// region.
type Listing struct {
	// Versions are known to exist, ascending.
	Versions []int
	// Complete is true when Versions is every existing version (the layer
	// could be listed). It is false when the versions were found by
	// probing a layer the caller may not list: numbers between the known
	// ones may exist, and so may numbers below the probe's start.
	Complete bool
	// Described holds the full metadata of versions the registry already
	// fetched while building the listing, so a cache can keep them.
	Described []Version
}

// Newest returns the highest known version, or 0.
func (l Listing) Newest() int {
	if len(l.Versions) == 0 {
		return 0
	}
	return l.Versions[len(l.Versions)-1]
}

// Has reports whether v is known to exist.
func (l Listing) Has(v int) bool {
	for _, x := range l.Versions {
		if x == v {
			return true
		}
	}
	return false
}

// Lister is implemented by registries that can say whether a version
// list is complete (every registry of this package). Resolution treats a
// Registry without it as always complete.
type Lister interface {
	Registry
	// Listing returns the known versions of layer (its Version is the
	// probing start for layers that cannot be listed).
	Listing(ctx context.Context, layer layerarn.ARN) (Listing, error)
}

// listingOf asks reg for a Listing, falling back to Versions.
func listingOf(ctx context.Context, reg Registry, layer layerarn.ARN) (Listing, error) {
	if l, ok := reg.(Lister); ok {
		return l.Listing(ctx, layer)
	}
	vs, err := reg.Versions(ctx, layer)
	return Listing{Versions: vs, Complete: true}, err
}

// PartitionOf returns the partition a region belongs to (see
// layerarn.PartitionOf).
func PartitionOf(region string) string { return layerarn.PartitionOf(region) }
