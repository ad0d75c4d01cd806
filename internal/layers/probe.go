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

// probeNewest finds the newest version above from without listing: gallop
// upward (from+1, from+2, from+4, …) until a miss, binary search between
// the last hit and that miss, then check a small window past the last hit
// so gaps left by deleted versions are stepped over; a hit in the window
// restarts the gallop from there. Cost without gaps is about
// 2·log2(distance)+window calls.
//
// It returns every version found (ascending by discovery is not
// guaranteed; callers sort) and the number of calls made.
func probeNewest(ctx context.Context, from, window int, get probeFunc) ([]Version, int, error) {
	if window < 1 {
		window = DefaultProbeWindow
	}
	p := &prober{get: get, known: map[int]bool{}}
	base := from
	for {
		lo, hi := base, 0
		for step := 1; hi == 0; step *= 2 {
			if step > maxProbeStep {
				return p.hits, p.calls, fmt.Errorf("probing from version %d: more than %d versions answered", from, maxProbeStep)
			}
			ok, err := p.exists(ctx, base+step)
			if err != nil {
				return p.hits, p.calls, err
			}
			if ok {
				lo = base + step
			} else {
				hi = base + step
			}
		}
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			ok, err := p.exists(ctx, mid)
			if err != nil {
				return p.hits, p.calls, err
			}
			if ok {
				lo = mid
			} else {
				hi = mid
			}
		}
		next := 0
		for v := lo + 1; v <= lo+window && next == 0; v++ {
			ok, err := p.exists(ctx, v)
			if err != nil {
				return p.hits, p.calls, err
			}
			if ok {
				next = v
			}
		}
		if next == 0 {
			return p.hits, p.calls, nil
		}
		base = next
	}
}
