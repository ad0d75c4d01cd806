package layers

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/bumpbot/bumpbot/internal/layerarn"
)

// Cache is a Registry decorator. Version lists and probe results are kept
// per (partition, region, account, layer) for a TTL, since new versions
// appear; version metadata is kept forever, since versions are immutable,
// except that a Location is refetched once it is older than the location
// TTL (AWS presigns it for ten minutes). "Not found" answers are kept for
// the TTL: a number that does not exist yet may be published later.
type Cache struct {
	reg         Registry
	ttl, locTTL time.Duration
	now         func() time.Time
	flight      singleflight.Group

	mu       sync.Mutex
	listings map[layerarn.ARN]cachedListing // key: layer ARN without version
	versions map[layerarn.ARN]cachedVersion
	absent   map[layerarn.ARN]cachedError
}

type cachedListing struct {
	l     Listing
	start int // the version probing started from
	at    time.Time
}

type cachedVersion struct {
	v  Version
	at time.Time
}

type cachedError struct {
	err error
	at  time.Time
}

// NewCache wraps reg. locTTL <= 0 means Locations never expire (the
// directory registry's file:// URLs).
func NewCache(reg Registry, ttl, locTTL time.Duration) *Cache {
	return &Cache{
		reg: reg, ttl: ttl, locTTL: locTTL, now: time.Now,
		listings: map[layerarn.ARN]cachedListing{},
		versions: map[layerarn.ARN]cachedVersion{},
		absent:   map[layerarn.ARN]cachedError{},
	}
}

// Versions implements Registry.
func (c *Cache) Versions(ctx context.Context, layer layerarn.ARN) ([]int, error) {
	l, err := c.Listing(ctx, layer)
	return l.Versions, err
}

// Listing implements Lister. A cached probe result is reused unless the
// caller's starting point is above both where that probe started and
// everything it found: such a pin was published after the probe.
func (c *Cache) Listing(ctx context.Context, layer layerarn.ARN) (Listing, error) {
	key := layer.WithVersion(0)
	now := c.now()
	c.mu.Lock()
	e, ok := c.listings[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < c.ttl && (e.l.Complete || layer.Version <= max(e.start, e.l.Newest())) {
		return e.l, nil
	}
	r, err, _ := c.flight.Do("L"+layer.String(), func() (any, error) {
		return listingOf(ctx, c.reg, layer)
	})
	if err != nil {
		return Listing{}, err
	}
	l := r.(Listing)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.listings[key] = cachedListing{l, layer.Version, now}
	for _, v := range l.Described {
		c.versions[v.ARN] = cachedVersion{v, now}
	}
	return l, nil
}

// Describe implements Registry.
func (c *Cache) Describe(ctx context.Context, version layerarn.ARN) (Version, error) {
	now := c.now()
	c.mu.Lock()
	v, ok := c.versions[version]
	a, gone := c.absent[version]
	c.mu.Unlock()
	if ok && (c.locTTL <= 0 || v.v.Location == "" || now.Sub(v.at) < c.locTTL) {
		return v.v, nil
	}
	if gone && now.Sub(a.at) < c.ttl {
		return Version{}, a.err
	}
	r, err, _ := c.flight.Do("D"+version.String(), func() (any, error) {
		return c.reg.Describe(ctx, version)
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrAccessDenied) {
			c.absent[version] = cachedError{err, now}
		}
		return Version{}, err
	}
	c.versions[version] = cachedVersion{r.(Version), now}
	return r.(Version), nil
}

// Forget drops what the cache knows of version's layer listing and of
// version itself, so the next resolution asks the registry again: a
// publish or delete event says the cached answers are stale.
func (c *Cache) Forget(version layerarn.ARN) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.listings, version.WithVersion(0))
	delete(c.versions, version)
	delete(c.absent, version)
}
