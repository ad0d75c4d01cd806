package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/bumpbot/bumpbot/internal/changelog"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layerzip"
)

// registryOptions are the options every command opens registries with;
// tests point them at a fake Lambda endpoint.
var registryOptions layers.RegistryOptions

// layerFlags are the flags shared by the commands that read layers.
type layerFlags struct {
	registry, cacheDir string
	noCache            bool
	// limits is the read budget of one layer (--layer-max-*).
	limits layerzip.Limits
	// observe, when set, is told about every AWS call (serve's metrics).
	observe layers.CallObserver
}

func (l *layerFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&l.registry, "registry", "aws", "where layer versions are looked up: aws or dir:PATH")
	f.StringVar(&l.cacheDir, "cache-dir", "", "directory of cached layer inventories (default: the user cache directory)")
	f.BoolVar(&l.noCache, "no-cache", false, "read layer contents even when their inventories are cached")
	d := layerzip.DefaultLimits()
	f.IntVar(&l.limits.MaxReads, "layer-max-reads", d.MaxReads, "metadata entries read per layer at most (inside jars too); the rest is noted")
	f.Int64Var(&l.limits.MaxInflate, "layer-max-inflate", d.MaxInflate, "uncompressed bytes read per layer at most; the rest is noted")
	f.DurationVar(&l.limits.MaxReadTime, "layer-max-read-time", d.MaxReadTime, "wall time spent reading one layer at most; the rest is noted")
}

// open opens the registry the flags name and returns a changelog builder
// over it (its Registry field), caching inventories where the flags say:
// every command that reads layers needs both.
func (l *layerFlags) open(cmd *cobra.Command) (*changelog.Builder, error) {
	if l.registry != "aws" && !strings.HasPrefix(l.registry, "dir:") {
		return nil, usagef("--registry %q: want aws or dir:PATH", l.registry)
	}
	opts := registryOptions
	if l.observe != nil {
		opts.Observe = l.observe
	}
	reg, err := layers.OpenRegistry(cmd.Context(), l.registry, opts)
	if err != nil {
		return nil, err
	}
	b := &changelog.Builder{Registry: reg, Limits: l.limits}
	if l.noCache {
		return b, nil
	}
	dir := l.cacheDir
	if dir == "" {
		if dir, err = changelog.DefaultCacheDir(); err != nil {
			return nil, err
		}
	}
	b.Cache = &changelog.Cache{Dir: dir}
	return b, nil
}
