package bump

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// resolved is one reference with its outcome.
type resolved struct {
	r        ref.Reference
	res      layers.Resolution
	concrete layerarn.ARN // the pin in the first region, for changelogs
	err      error
	ignored  []int // newer versions passed over because the configuration ignores them
	rejected []int // newer versions passed over because the security policy forbids them
}

// resolveRef resolves a reference to the newest version it may move to:
// limit, when above zero, is the highest, and versions the configuration
// ignores are stepped over by resolving again below them.
func resolveRef(ctx context.Context, reg layers.Registry, r ref.Reference, opts Options, limit int) resolved {
	var ignores, rejects []config.VersionRange
	if opts.Ignore != nil && !violates(r, opts) {
		ignores, _ = opts.Ignore(layerOf(r))
	}
	if opts.Rejected != nil {
		rejects = opts.Rejected(layerOf(r))
	}
	var ignored, rejected []int
	for {
		rv := resolveOnce(ctx, reg, r, opts, limit)
		rv.ignored, rv.rejected = ignored, rejected
		if rv.err != nil || !rv.res.Bump() {
			return rv
		}
		// The policy's ranges are tried first: a version both rejects is
		// reported as the policy's, the stronger reason.
		g, ok := rangeHolding(rejects, rv.res.To)
		if ok {
			rejected = append(rejected, rv.res.To)
		} else if g, ok = rangeHolding(ignores, rv.res.To); ok {
			ignored = append(ignored, rv.res.To)
		} else {
			return rv
		}
		// Each pass lowers the limit below a stepped-over range, so this ends.
		if limit = g.Min - 1; limit <= rv.res.From {
			rv.ignored, rv.rejected, rv.res.To = ignored, rejected, rv.res.From
			return rv
		}
	}
}

// violates reports whether r is pinned to a version the security policy
// rejects: the repository's ignore rules do not hold such a pin back (a
// configuration cannot opt out of the org's policy).
func violates(r ref.Reference, opts Options) bool {
	if opts.Rejected == nil || r.Version == nil {
		return false
	}
	_, ok := rangeHolding(opts.Rejected(layerOf(r)), *r.Version)
	return ok
}

// rangeHolding returns the first of ranges that contains v.
func rangeHolding(ranges []config.VersionRange, v int) (config.VersionRange, bool) {
	i := slices.IndexFunc(ranges, func(g config.VersionRange) bool { return g.Contains(v) })
	if i < 0 {
		return config.VersionRange{}, false
	}
	return ranges[i], true
}

// layerOf names a reference's layer for configuration rules.
func layerOf(r ref.Reference) config.Layer {
	return config.Layer{Partition: r.Partition, Region: r.Region, Account: r.Account, Name: r.Layer}
}

// resolveOnce turns a reference into a resolution request and runs it;
// limit, when above zero, is the highest version it may move to.
func resolveOnce(ctx context.Context, reg layers.Registry, r ref.Reference, opts Options, limit int) resolved {
	out := resolved{r: r}
	if layerarn.IsPlaceholder(r.Account) {
		out.err = fmt.Errorf("%s: account is a placeholder (%s): the layer cannot be looked up: %w", r.ARN, r.Account, errPlaceholder)
		return out
	}
	req := layers.Request{
		Layer:    layerarn.ARN{Partition: r.Partition, Region: r.Region, Account: r.Account, Name: r.Layer, Version: *r.Version},
		Strategy: opts.Strategy,
		Max:      limit,
	}
	if layerarn.IsPlaceholder(r.Partition) {
		req.Layer.Partition = ""
	}
	if layerarn.IsPlaceholder(r.Region) {
		if len(opts.Regions) == 0 {
			out.err = fmt.Errorf("%s: region is a placeholder (%s): set the regions it deploys to (--regions): %w", r.ARN, r.Region, errPlaceholder)
			return out
		}
		req.Regions = opts.Regions
	} else if req.Layer.Partition == "" {
		req.Layer.Partition = layers.PartitionOf(r.Region)
	}
	if r.Function != nil {
		req.Runtime, req.Architectures = r.Function.Runtime, r.Function.Architectures
	}
	out.res, out.err = layers.Resolve(ctx, reg, req)
	if len(out.res.Regions) > 0 {
		out.concrete = req.Layer
		out.concrete.Region = out.res.Regions[0]
		if out.concrete.Partition == "" {
			out.concrete.Partition = layers.PartitionOf(out.concrete.Region)
		}
	}
	if out.err == nil && len(out.res.Missing) > 0 && !out.res.Bump() {
		out.err = fmt.Errorf("%s: pinned version %d does not exist in %s (deleted or not shared): new deployments fail, and no other version was found: %w",
			r.ARN, out.res.From, strings.Join(out.res.Missing, ", "), errDeletedPin)
	}
	return out
}
