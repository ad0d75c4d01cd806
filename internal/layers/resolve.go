package layers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/bumpbot/bumpbot/internal/layerarn"
)

// Strategy says which newer version a pin moves to.
type Strategy string

// Strategies. A pin never moves down.
const (
	// Latest moves to the newest version (the default).
	Latest Strategy = "latest"
	// Next moves to the smallest existing version above the pin.
	Next Strategy = "next"
)

// ParseStrategy validates a strategy name; "" means Latest.
func ParseStrategy(s string) (Strategy, error) {
	switch Strategy(s) {
	case "", Latest:
		return Latest, nil
	case Next:
		return Next, nil
	}
	return "", fmt.Errorf("strategy %q: want latest or next", s)
}

// ErrIncompatible: newer versions exist but none suits the function's
// runtime or architecture.
var ErrIncompatible = errors.New("no newer version is compatible")

// walkLimit bounds how many numbers resolution walks through versions it
// only knows by probing (they may or may not exist) before giving up.
const walkLimit = 32

// Request is one pin to resolve.
type Request struct {
	// Layer is the pinned version. Partition may be "" (a placeholder):
	// it is derived from each region.
	Layer layerarn.ARN
	// Regions to resolve in when the reference's region is a placeholder:
	// the target must exist in every one of them, since the same template
	// deploys everywhere. Empty means Layer.Region alone.
	Regions []string
	// Runtime and Architectures of the consuming function, when known.
	Runtime       string
	Architectures []string
	Strategy      Strategy
	// Max, when above zero, caps the versions considered: the pin moves to
	// no version above it. Several pins written as one literal move
	// together, so each may only take a version all of them accept.
	Max int
}

// Resolution is the outcome for one pin.
type Resolution struct {
	From, To int      // To == From when there is nothing to move to
	Regions  []string // the regions resolved in
	// Missing lists the regions where the pinned version does not exist
	// (deleted, never published there, or not shared): new deployments
	// there fail.
	Missing []string
	// Skipped says why newer versions were passed over.
	Skipped []string
	// FromVersion and ToVersion are the metadata in the first region
	// (zero when the version does not exist or there is no bump).
	FromVersion, ToVersion Version
}

// Bump reports whether the pin should move.
func (r Resolution) Bump() bool { return r.To > r.From }

// site is the layer in one region with what is known of its versions.
type site struct {
	arn     layerarn.ARN
	listing Listing
}

// Resolve picks the version req's pin moves to.
func Resolve(ctx context.Context, reg Registry, req Request) (Resolution, error) {
	sites, err := sitesOf(ctx, reg, req)
	if err != nil {
		return Resolution{}, err
	}
	pin := req.Layer.Version
	res := Resolution{From: pin, To: pin}
	for i, s := range sites {
		res.Regions = append(res.Regions, s.arn.Region)
		ok, err := exists(ctx, reg, s, pin)
		if err != nil {
			return res, err
		}
		if !ok {
			res.Missing = append(res.Missing, s.arn.Region)
		} else if i == 0 {
			if res.FromVersion, err = reg.Describe(ctx, s.arn.WithVersion(pin)); err != nil {
				return res, err
			}
		}
	}
	for _, v := range candidates(sites, pin, req.Strategy, req.Max) {
		ok, err := existsEverywhere(ctx, reg, sites, v)
		if err != nil {
			return res, err
		}
		if !ok {
			continue
		}
		meta, why, err := compatibleEverywhere(ctx, reg, sites, v, req)
		if err != nil {
			return res, err
		}
		if why != "" {
			res.Skipped = append(res.Skipped, why)
			continue
		}
		res.To, res.ToVersion = v, meta
		return res, nil
	}
	if len(res.Skipped) > 0 {
		return res, fmt.Errorf("%s: %w: %s", req.Layer, ErrIncompatible, strings.Join(res.Skipped, "; "))
	}
	return res, nil
}

// sitesOf lists the layer in every region of the request.
func sitesOf(ctx context.Context, reg Registry, req Request) ([]site, error) {
	regions := req.Regions
	if len(regions) == 0 {
		regions = []string{req.Layer.Region}
	}
	var sites []site
	for _, r := range regions {
		a := req.Layer
		a.Region = r
		if a.Partition == "" {
			a.Partition = PartitionOf(r)
		} else if a.Partition != PartitionOf(r) {
			continue // the template cannot deploy this ARN there
		}
		l, err := listingOf(ctx, reg, a)
		if err != nil {
			return nil, err
		}
		sites = append(sites, site{arn: a, listing: l})
	}
	if len(sites) == 0 {
		return nil, fmt.Errorf("%s: none of the regions %s is in partition %s", req.Layer.LayerARN(), strings.Join(regions, ","), req.Layer.Partition)
	}
	return sites, nil
}

// candidates returns the numbers worth checking, in the order the strategy
// prefers them: numbers every complete listing holds and, where a region
// was only probed, numbers that may exist in between.
func candidates(sites []site, pin int, strategy Strategy, limit int) []int {
	upper, probed := 0, false
	for i, s := range sites {
		if i == 0 || s.listing.Newest() < upper {
			upper = s.listing.Newest()
		}
		probed = probed || !s.listing.Complete
	}
	if limit > 0 && upper > limit {
		upper = limit
	}
	var out []int
	for v := pin + 1; v <= upper; v++ {
		known, inComplete := false, true
		for _, s := range sites {
			has := s.listing.Has(v)
			known = known || has
			if s.listing.Complete && !has {
				inComplete = false
			}
		}
		near := v <= pin+walkLimit || v > upper-walkLimit
		if inComplete && (known || (probed && near)) {
			out = append(out, v)
		}
	}
	if strategy != Next {
		sort.Sort(sort.Reverse(sort.IntSlice(out)))
	}
	return out
}

// exists tells whether v exists in one region: from the listing when it
// is complete or names v, else by asking.
func exists(ctx context.Context, reg Registry, s site, v int) (bool, error) {
	if s.listing.Complete || s.listing.Has(v) {
		return s.listing.Has(v), nil
	}
	_, err := reg.Describe(ctx, s.arn.WithVersion(v))
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrAccessDenied) {
		return false, nil
	}
	return err == nil, err
}

func existsEverywhere(ctx context.Context, reg Registry, sites []site, v int) (bool, error) {
	for _, s := range sites {
		if ok, err := exists(ctx, reg, s, v); !ok || err != nil {
			return false, err
		}
	}
	return true, nil
}

// compatibleEverywhere describes v in every region and says why it does
// not suit the function ("" when it does).
func compatibleEverywhere(ctx context.Context, reg Registry, sites []site, v int, req Request) (Version, string, error) {
	var first Version
	for i, s := range sites {
		meta, err := reg.Describe(ctx, s.arn.WithVersion(v))
		if err != nil {
			return first, "", err
		}
		if i == 0 {
			first = meta
		}
		if why := Incompatibility(meta, req.Runtime, req.Architectures); why != "" {
			return first, why, nil
		}
	}
	return first, "", nil
}

// Incompatibility says why version v cannot serve a function with the
// given runtime and architectures, or "" when it can. Empty compatibility
// lists mean the publisher declared no constraint.
func Incompatibility(v Version, runtime string, archs []string) string {
	if runtime != "" && len(v.CompatibleRuntimes) > 0 && !slices.Contains(v.CompatibleRuntimes, runtime) {
		return fmt.Sprintf("version %d supports %s, not %s", v.ARN.Version, strings.Join(v.CompatibleRuntimes, ", "), runtime)
	}
	for _, a := range archs {
		if len(v.CompatibleArchitectures) > 0 && !slices.Contains(v.CompatibleArchitectures, a) {
			return fmt.Sprintf("version %d supports %s, not %s", v.ARN.Version, strings.Join(v.CompatibleArchitectures, ", "), a)
		}
	}
	return ""
}
