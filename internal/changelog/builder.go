package changelog

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/bumpbot/bumpbot/internal/advisory"
	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layerzip"
)

// Builder makes changelogs. Registry is required; a nil Cache reads every
// version; zero Limits take layerzip.DefaultLimits; a nil HTTPClient is
// http.DefaultClient. A Builder is safe for concurrent use.
type Builder struct {
	Registry   layers.Registry
	Cache      *Cache
	Limits     layerzip.Limits
	HTTPClient *http.Client
	// Advisories, when not nil (even empty), are matched against both
	// sides: the changelog then says which ones the bump fixes and
	// introduces. Nil leaves Changelog.Advisories nil.
	Advisories []advisory.Advisory
}

// Build describes both versions and diffs their inventories. Only a failed
// Describe is an error (the version does not exist, access is denied):
// content that cannot be read becomes a note and the changelog is still
// returned, with the layer attributes that are known.
func (b *Builder) Build(ctx context.Context, from, to layerarn.ARN) (*Changelog, error) {
	var vs [2]layers.Version
	for i, a := range []layerarn.ARN{from, to} {
		v, err := b.Registry.Describe(ctx, a)
		if err != nil {
			return nil, fmt.Errorf("describe %s: %w", a, err)
		}
		vs[i] = v
	}
	c := &Changelog{
		From:     from.String(),
		To:       to.String(),
		Packages: []Change{},
		Layer: Layer{
			Runtimes:      Pair[[]string]{nonNil(vs[0].CompatibleRuntimes), nonNil(vs[1].CompatibleRuntimes)},
			Architectures: Pair[[]string]{nonNil(vs[0].CompatibleArchitectures), nonNil(vs[1].CompatibleArchitectures)},
			Size:          Pair[int64]{vs[0].CodeSize, vs[1].CodeSize},
			License:       Pair[string]{vs[0].LicenseInfo, vs[1].LicenseInfo},
			Description:   Pair[string]{vs[0].Description, vs[1].Description},
		},
	}
	if vs[0].CodeSha256 != "" && vs[0].CodeSha256 == vs[1].CodeSha256 {
		c.SameContent = true
		if b.Advisories != nil {
			// The same bytes: nothing fixed, nothing introduced.
			c.Advisories = &advisory.Changes{Fixed: []advisory.Finding{}, Introduced: []advisory.Finding{}}
		}
		return c, nil
	}
	var (
		wg    sync.WaitGroup
		invs  [2]*layerzip.Inventory
		read  [2]int64
		errs  [2]error
		notes [2][]string
	)
	for i, a := range []layerarn.ARN{from, to} {
		wg.Go(func() {
			invs[i], read[i], notes[i], errs[i] = b.inventory(ctx, a, vs[i])
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		// A cancelled job: its reads stopped half-way, which is no
		// changelog to publish.
		return nil, fmt.Errorf("changelog %s → %s: %w", from, to, err)
	}
	c.BytesRead = read[0] + read[1]
	for i, a := range []layerarn.ARN{from, to} {
		side := fmt.Sprintf("version %d", a.Version)
		if errs[i] != nil {
			// layerzip redacts its own errors; RedactURLs also covers
			// those of the registry's Refresh (an SDK's, a proxy's).
			c.Notes = append(c.Notes, fmt.Sprintf("%s: could not read the layer content: %s", side, layerzip.RedactURLs(errs[i].Error())))
			continue
		}
		for _, n := range append(invs[i].Notes, notes[i]...) {
			c.Notes = append(c.Notes, side+": "+n)
		}
	}
	// An unverified side holds no packages of the layer: diffing it would
	// list every package of the other side as added or removed.
	if invs[0] != nil && invs[1] != nil && !invs[0].Unverified && !invs[1].Unverified {
		c.Packages = Diff(invs[0], invs[1])
		c.Unzipped = Pair[int64]{invs[0].UnzippedSize, invs[1].UnzippedSize}
		if b.Advisories != nil {
			ch := advisory.Compare(b.Advisories, invs[0], invs[1])
			c.Advisories = &ch
		}
	} else if b.Advisories != nil {
		// Absent rather than empty: "fixes nothing" would be a claim
		// about packages nobody could read.
		c.Notes = append(c.Notes, "advisories were not compared: the packages of both versions are needed")
	}
	return c, nil
}

// inventory returns a version's inventory from the cache or by reading
// its content, and the layer bytes that cost.
func (b *Builder) inventory(ctx context.Context, a layerarn.ARN, v layers.Version) (*layerzip.Inventory, int64, []string, error) {
	if inv, ok := b.Cache.Get(v.CodeSha256); ok {
		return inv, 0, nil, nil
	}
	opts := layerzip.Options{
		HTTPClient: b.HTTPClient,
		Limits:     b.Limits,
		// The Location may have expired while cached: ask for one
		// issued now, not whatever Describe would hand out again.
		Refresh: func(ctx context.Context) (string, error) {
			fresh, err := layers.DescribeFresh(ctx, b.Registry, a)
			return fresh.Location, err
		},
		CodeSha256: v.CodeSha256,
	}
	inv, st, err := layerzip.Read(ctx, v.Location, opts)
	if err != nil {
		return nil, st.Bytes, nil, err
	}
	var notes []string
	if inv.Unverified || inv.Incomplete {
		// Not the content the digest names, or cut by the time budget:
		// caching either would stick.
		return inv, st.Bytes, nil, nil
	}
	if err := b.Cache.Put(v.CodeSha256, inv); err != nil {
		notes = append(notes, err.Error())
	}
	return inv, st.Bytes, notes, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Contents returns what one layer version holds (its packages, files and
// unzipped size), from the cache or by reading its zip: the checks of a
// function's whole stack of layers need it for layers no bump moves too.
// A version that cannot be described, or whose content cannot be read or
// is not the one its CodeSha256 names, is an error.
func (b *Builder) Contents(ctx context.Context, a layerarn.ARN) (*layerzip.Inventory, error) {
	v, err := b.Registry.Describe(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", a, err)
	}
	inv, _, _, err := b.inventory(ctx, a, v)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", a, redacted{err})
	}
	if inv.Unverified {
		return nil, fmt.Errorf("read %s: the content is not the one its CodeSha256 names", a)
	}
	return inv, nil
}

// redacted is an error whose text has its URLs' secrets removed (a
// presigned Location in a proxy's or an SDK's message), still unwrapping
// to the error behind it.
type redacted struct{ err error }

func (r redacted) Error() string { return layerzip.RedactURLs(r.err.Error()) }
func (r redacted) Unwrap() error { return r.err }
