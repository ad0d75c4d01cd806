package bump

import (
	"context"
	"errors"

	"github.com/bumpbot/bumpbot/internal/changelog"
	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
)

// PackageChangelog is the changelog reviewers approve bumps for: the
// packages added, removed, upgraded and downgraded inside the layer, read
// from the two layer zips. When the pinned version no longer exists there
// is nothing to read it from, and the entry falls back to the registry's
// metadata, which says the pin is deleted.
type PackageChangelog struct {
	Builder *changelog.Builder
}

// Changelog implements Changelogger.
func (p PackageChangelog) Changelog(ctx context.Context, from, to layerarn.ARN) (Entry, error) {
	c, err := p.Builder.Build(ctx, from, to)
	if errors.Is(err, layers.ErrNotFound) || errors.Is(err, layers.ErrAccessDenied) {
		return MetadataChangelog{Registry: p.Builder.Registry}.Changelog(ctx, from, to)
	}
	if err != nil {
		return Entry{}, err
	}
	return Entry{
		Layer: to.Name, ARNFrom: from.String(), ARNTo: to.String(),
		Markdown: c.Markdown(), Details: c,
	}, nil
}
