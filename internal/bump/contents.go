package bump

import (
	"context"
	"errors"
	"sync"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layerzip"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// ContentReader reads what one layer version holds: the checks of a
// function's whole stack (its unzipped size, the files one layer hides
// from another) need the contents of layers no bump moves too.
type ContentReader interface {
	Contents(ctx context.Context, a layerarn.ARN) (*layerzip.Inventory, error)
}

// Contents implements ContentReader with the changelog's builder, so the
// layer zips a changelog reads are read once (and cached).
func (p PackageChangelog) Contents(ctx context.Context, a layerarn.ARN) (*layerzip.Inventory, error) {
	return p.Builder.Contents(ctx, a)
}

// contentsOf is the plan's ContentReader: Options.Contents, else the
// changelog when it reads contents, else none.
func contentsOf(opts Options) ContentReader {
	if opts.Contents != nil {
		return opts.Contents
	}
	cr, _ := opts.Changelog.(ContentReader)
	return cr
}

// errUnknownARN says a layer's ARN is not concrete enough to read: a
// placeholder account, a placeholder region with no region to try, a
// version that is not a number.
var errUnknownARN = errors.New("the ARN is not concrete")

// contentCache reads each layer version once per plan.
type contentCache struct {
	cr      ContentReader
	regions []string
	seen    map[layerarn.ARN]content
}

type content struct {
	inv *layerzip.Inventory
	err error
}

func newContentCache(cr ContentReader, regions []string) *contentCache {
	return &contentCache{cr: cr, regions: regions, seen: map[layerarn.ARN]content{}}
}

// readers bounds the layer contents read at once: each is a few ranged
// requests, and a repository's functions may name dozens of layers.
const readers = 4

// prefetch reads the contents of every reference of the stacks at both
// versions, a few at a time, so the checks that follow find them read.
func (c *contentCache) prefetch(ctx context.Context, stacks []Stack, version func(ref.Reference) int) {
	var todo []layerarn.ARN
	listed := map[layerarn.ARN]bool{}
	for _, s := range stacks {
		for _, r := range s.refs {
			for _, v := range []int{version(r), Pinned(r)} {
				if a, ok := concreteARN(r, v, c.regions); ok && !listed[a] {
					listed[a] = true
					todo = append(todo, a)
				}
			}
		}
	}
	got := make([]content, len(todo))
	var wg sync.WaitGroup
	sem := make(chan struct{}, readers)
	for i, a := range todo {
		if _, ok := c.seen[a]; ok {
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			inv, err := c.cr.Contents(ctx, a)
			got[i] = content{inv, err}
		})
	}
	wg.Wait()
	for i, a := range todo {
		if _, ok := c.seen[a]; !ok {
			c.seen[a] = got[i]
		}
	}
}

// read returns the contents of r's layer at version, in r's region or,
// for a placeholder region, the first region it deploys to.
func (c *contentCache) read(ctx context.Context, r ref.Reference, version int) content {
	a, ok := concreteARN(r, version, c.regions)
	if !ok {
		return content{err: errUnknownARN}
	}
	if got, ok := c.seen[a]; ok {
		return got
	}
	inv, err := c.cr.Contents(ctx, a)
	c.seen[a] = content{inv, err}
	return c.seen[a]
}

// concreteARN is the ARN a reference names at version, or false when a
// placeholder leaves it unknown.
func concreteARN(r ref.Reference, version int, regions []string) (layerarn.ARN, bool) {
	if version <= 0 || layerarn.IsPlaceholder(r.Account) || layerarn.IsPlaceholder(r.Layer) {
		return layerarn.ARN{}, false
	}
	a := layerarn.ARN{Partition: r.Partition, Region: r.Region, Account: r.Account, Name: r.Layer, Version: version}
	if layerarn.IsPlaceholder(a.Region) {
		if len(regions) == 0 {
			return layerarn.ARN{}, false
		}
		a.Region = regions[0]
	}
	if layerarn.IsPlaceholder(a.Partition) {
		a.Partition = layers.PartitionOf(a.Region)
	}
	return a, true
}
