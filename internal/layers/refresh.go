package layers

import (
	"context"

	"github.com/bumpbot/bumpbot/internal/layerarn"
)

// Refresher is implemented by registries whose Version.Location expires or
// is cached: the AWS registry (a presigned URL valid about ten minutes) and
// the Cache decorator (which reuses a Location for most of that time, so a
// reader that met an expired URL could be handed the same one again).
type Refresher interface {
	// DescribeFresh is Describe with a Location just issued by the
	// source, never a cached one.
	DescribeFresh(ctx context.Context, version layerarn.ARN) (Version, error)
}

// DescribeFresh asks reg for a fresh Location when it can give one and
// falls back to Describe otherwise (the directory registry's file:// URLs
// never expire).
func DescribeFresh(ctx context.Context, reg Registry, version layerarn.ARN) (Version, error) {
	if r, ok := reg.(Refresher); ok {
		return r.DescribeFresh(ctx, version)
	}
	return reg.Describe(ctx, version)
}

// DescribeFresh implements Refresher: every GetLayerVersion answer holds a
// newly presigned Location.
func (a *AWS) DescribeFresh(ctx context.Context, version layerarn.ARN) (Version, error) {
	return a.Describe(ctx, version)
}

// DescribeFresh implements Refresher: it goes to the wrapped registry
// whatever is cached and keeps the answer, so later Describes reuse the
// fresh Location. Concurrent refreshes of one version share a call.
func (c *Cache) DescribeFresh(ctx context.Context, version layerarn.ARN) (Version, error) {
	now := c.now()
	r, err, _ := c.flight.Do("F"+version.String(), func() (any, error) {
		return DescribeFresh(ctx, c.reg, version)
	})
	if err != nil {
		return Version{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.versions[version] = cachedVersion{r.(Version), now}
	return r.(Version), nil
}
