package layers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerarn"
)

// fakeVersions answers probes from a set and counts them.
type fakeVersions struct {
	exist map[int]bool
	calls int
}

func newFakeVersions(from, to int, gaps ...int) *fakeVersions {
	f := &fakeVersions{exist: map[int]bool{}}
	for v := from; v <= to; v++ {
		f.exist[v] = true
	}
	for _, g := range gaps {
		delete(f.exist, g)
	}
	return f
}

func (f *fakeVersions) get(_ context.Context, v int) (Version, bool, error) {
	f.calls++
	return Version{ARN: layerarn.ARN{Version: v}}, f.exist[v], nil
}

func newest(vs []Version) int {
	n := 0
	for _, v := range vs {
		n = max(n, v.ARN.Version)
	}
	return n
}

// probeCases are the economy figures: the pin is 100, the newest is
// 100+distance, with and without gaps left by deleted versions.
var probeCases = []struct {
	name     string
	distance int
	gaps     []int
}{
	{"+1", 1, nil},
	{"+10", 10, nil},
	{"+300", 300, nil},
	{"+1 pin deleted", 1, []int{100}},
	{"+10 gaps", 10, []int{103, 104, 109}},
	{"+300 gaps", 300, []int{101, 150, 151, 228, 356, 357, 399}},
}

func TestProbeEconomy(t *testing.T) {
	t.Parallel()
	for _, tc := range probeCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeVersions(1, 100+tc.distance, tc.gaps...)
			hits, calls, err := probeNewest(context.Background(), 100, DefaultProbeWindow, f.get)
			if err != nil {
				t.Fatal(err)
			}
			if got := newest(hits); got != 100+tc.distance {
				t.Errorf("newest = %d, want %d", got, 100+tc.distance)
			}
			if calls != f.calls {
				t.Errorf("reported %d calls, made %d", calls, f.calls)
			}
			// The goal is 2·log2(distance)+4 calls, gaps included. It is
			// not a bound when gaps sit where the probes land (see
			// probeNewest), so these cases check the figures of the issue.
			limit := int(2*math.Log2(float64(tc.distance))) + 4
			t.Logf("distance %d, %d gaps: %d calls (limit %d)", tc.distance, len(tc.gaps), calls, limit)
			if calls > limit {
				t.Errorf("%d calls, want <= %d", calls, limit)
			}
		})
	}
}

// TestProbeFindsNewestDespiteGaps checks the property on random layers
// whose gaps are narrower than the window.
func TestProbeFindsNewestDespiteGaps(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		top := 2 + rng.IntN(600)
		f := newFakeVersions(1, top)
		for v := 2; v < top; v++ {
			// gaps of at most window-1 consecutive numbers
			if rng.IntN(6) == 0 && f.exist[v-1] {
				delete(f.exist, v)
			}
		}
		checkNewest(t, fmt.Sprintf("case %d", i), f, 1+rng.IntN(top), DefaultProbeWindow, top)
	}
	// Wider windows and gaps as wide as they allow.
	for i := range 500 {
		window := 1 + rng.IntN(6)
		top, f := randomGaps(rng, 2+rng.IntN(600), window)
		checkNewest(t, fmt.Sprintf("case %d, window %d", i, window), f, 1+rng.IntN(top), window, top)
	}
}

// checkNewest probes f from pin and expects top, or nothing when the pin
// is at or above it.
func checkNewest(t *testing.T, label string, f *fakeVersions, pin, window, top int) {
	t.Helper()
	hits, _, err := probeNewest(context.Background(), pin, window, f.get)
	if err != nil {
		t.Fatal(err)
	}
	want := top
	if pin >= top {
		want = 0
	}
	if got := newest(hits); got != want {
		t.Fatalf("%s: pin %d top %d: newest = %d", label, pin, top, got)
	}
}

// randomGaps returns a layer with versions 1..top where every gap is
// narrower than window (none when window is 1).
func randomGaps(rng *rand.Rand, top, window int) (int, *fakeVersions) {
	f := newFakeVersions(1, top)
	run := 0
	for v := 2; v < top; v++ {
		if run < window-1 && rng.IntN(4) == 0 {
			delete(f.exist, v)
			run++
		} else {
			run = 0
		}
	}
	return top, f
}

func TestProbeStopsOnError(t *testing.T) {
	t.Parallel()
	boom := errors.New("throttled")
	_, _, err := probeNewest(context.Background(), 1, 3, func(context.Context, int) (Version, bool, error) {
		return Version{}, false, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
}

// BenchmarkProbe reports the calls needed to find the newest version
// (metric calls/op) for each economy case.
func BenchmarkProbe(b *testing.B) {
	for _, tc := range probeCases {
		b.Run(tc.name, func(b *testing.B) {
			var calls int
			for b.Loop() {
				f := newFakeVersions(1, 100+tc.distance, tc.gaps...)
				_, calls, _ = probeNewest(context.Background(), 100, DefaultProbeWindow, f.get)
			}
			b.ReportMetric(float64(calls), "calls/op")
			b.ReportMetric(2*math.Log2(float64(tc.distance))+4, "limit")
		})
	}
}

// BenchmarkProbeRandomGaps reports the mean calls (calls/op) for a pin 100
// versions below the newest, with gaps of width 1 or 2 placed at random
// below it, next to the goal 2·log2(100)+4.
func BenchmarkProbeRandomGaps(b *testing.B) {
	for _, k := range []int{0, 3, 7} {
		b.Run(fmt.Sprintf("%d gaps", k), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(3, 4))
			total, runs := 0, 0
			for b.Loop() {
				f := newFakeVersions(1, 200)
				for range k {
					g := 101 + rng.IntN(97)
					delete(f.exist, g)
					if rng.IntN(2) == 0 && f.exist[g+2] {
						delete(f.exist, g+1)
					}
				}
				hits, calls, err := probeNewest(context.Background(), 100, DefaultProbeWindow, f.get)
				if err != nil || newest(hits) != 200 {
					// Adjacent draws can merge into a gap as wide as the
					// window; such a layer is outside the contract.
					continue
				}
				total += calls
				runs++
			}
			b.ReportMetric(float64(total)/float64(max(runs, 1)), "calls/op")
			b.ReportMetric(2*math.Log2(100)+4, "limit")
		})
	}
}
