package layers

import (
	"context"
	"fmt"
)

// DefaultProbeWindow is how many numbers past the last version found are
// checked before probing concludes that it found the newest: deleted
// versions leave gaps, and a gap narrower than the window is stepped over.
const DefaultProbeWindow = 3

// maxProbeStep bounds galloping so a misbehaving endpoint that answers
// every number cannot keep the prober going forever.
const maxProbeStep = 1 << 20

// probeFunc fetches version v. ok is false when v does not exist or may not
// be read (to another account both answer the same); err is for anything
// else (throttling after retries, network), which aborts the probe.
type probeFunc func(ctx context.Context, v int) (ver Version, ok bool, err error)

// prober remembers every answer so no number is asked twice.
type prober struct {
	get   probeFunc
	known map[int]bool
	hits  []Version
	calls int
}

func (p *prober) exists(ctx context.Context, v int) (bool, error) {
	if ok, seen := p.known[v]; seen {
		return ok, nil
	}
	p.calls++
	ver, ok, err := p.get(ctx, v)
	if err != nil {
		return false, err
	}
	p.known[v] = ok
	if ok {
		p.hits = append(p.hits, ver)
	}
	return ok, nil
}

// settled reports whether lo+1..lo+window are all known misses: with every
// gap narrower than the window, nothing above lo can exist then.
func (p *prober) settled(lo, window int) bool {
	for v := lo + 1; v <= lo+window; v++ {
		if ok, seen := p.known[v]; !seen || ok {
			return false
		}
	}
	return true
}

// lowestMissAbove returns the smallest number above lo known to be
// missing, or 0. It is where the newest version is expected to end, unless
// that miss turns out to be a gap.
func (p *prober) lowestMissAbove(lo int) int {
	hi := 0
	for v, ok := range p.known {
		if !ok && v > lo && (hi == 0 || v < hi) {
			hi = v
		}
	}
	return hi
}

// probeNewest finds the newest version above from without listing.
//
// lo is the highest version known to exist (from itself is assumed). Each
// call goes to one of three places:
//
//   - no miss is known above lo: gallop, lo+1, then steps doubling from
//     each hit (lo+2, lo+4, …);
//   - the lowest known miss hi is above lo+1: binary search between them;
//   - lo+1 is missing: the window, lo+2..lo+window, farthest first, since
//     a hit there steps over the gap further and the order costs nothing
//     when all of them miss.
//
// It stops when lo+1..lo+window are all known misses: the certificate that
// lo is the newest whenever every gap is narrower than the window, which
// is the only correctness argument, whatever path led there. A hit past a
// gap keeps every miss seen so far, so the search resumes between the new
// lo and the lowest miss above it instead of galloping afresh; the window
// reuses misses the binary search already paid for.
//
// Cost without gaps is at most 2·log2(distance)+4 calls. A gap costs
// nothing when no probe lands on it, and otherwise about one window plus
// a binary search of the remaining interval, so gaps cannot be bounded by
// that formula: an adversary that puts k gaps of width 2 exactly where
// the probes land (greedily, each worse than the last) drives distance 10
// with 3 gaps to 13 calls and distance 300 with 7 gaps to 84 (the earlier
// gallop-then-restart algorithm: 13 and 89). On gaps placed at random the
// mean is close to the formula (BenchmarkProbeRandomGaps).
//
// It returns every version found (not sorted; callers sort) and the
// number of calls made.
func probeNewest(ctx context.Context, from, window int, get probeFunc) ([]Version, int, error) {
	if window < 1 {
		window = DefaultProbeWindow
	}
	p := &prober{get: get, known: map[int]bool{}}
	// Version numbers start at 1; lowestMissAbove uses 0 for "none".
	lo, step := max(from, 0), 1
	for !p.settled(lo, window) {
		var v int
		switch hi := p.lowestMissAbove(lo); {
		case hi == 0:
			if step > maxProbeStep {
				return p.hits, p.calls, fmt.Errorf("probing from version %d: more than %d versions answered", from, maxProbeStep)
			}
			v = lo + step
			step *= 2
		case hi > lo+1:
			v = lo + (hi-lo)/2
		default:
			for w := lo + window; w > lo+1; w-- {
				if _, seen := p.known[w]; !seen {
					v = w
					break
				}
			}
			// A gallop after a gap starts small again: the layer's
			// versions may continue just past it.
			step = 1
		}
		ok, err := p.exists(ctx, v)
		if err != nil {
			return p.hits, p.calls, err
		}
		if ok {
			lo = v
		}
	}
	return p.hits, p.calls, nil
}
