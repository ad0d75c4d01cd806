package layerzip

import (
	"context"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// BenchmarkHostile reads each hostile shape (layerziptest.HostileZips) as
// a changelog does, through Range requests, and reports the peak heap of
// the reader, the entries it opened and the bytes it inflated:
//
//	go test -run XXX -bench Hostile -benchmem -benchtime 3x ./internal/layerzip/ The wall
//
// time per op is the figure the read budget is about (goal: ≤ 2 s per
// changelog, that is for two such layers).
func BenchmarkHostile(b *testing.B) {
	srv := layerziptest.New(b)
	for _, h := range layerziptest.HostileZips(false, 0) {
		u := srv.Put(h.Name, h.Zip)
		b.Run(h.Name, func(b *testing.B) {
			var peak uint64
			var notes int
			var st Stats
			for b.Loop() {
				p := layerziptest.HeapPeak(func() {
					inv, s, err := Read(context.Background(), u, Options{})
					if err != nil {
						b.Fatalf("Read: %v", err)
					}
					st, notes = s, len(inv.Notes)
				})
				peak = max(peak, p)
			}
			b.ReportMetric(float64(len(h.Zip))/(1<<20), "zip-MB")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(notes), "notes")
			b.ReportMetric(float64(st.EntriesRead), "entries-read")
			b.ReportMetric(float64(st.Inflated)/(1<<20), "inflated-MB")
		})
	}
}
