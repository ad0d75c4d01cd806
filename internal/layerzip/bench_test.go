package layerzip

import (
	"context"
	"fmt"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// BenchmarkReadLayer reads pairs of layers whose bulk is one stored native
// library, as a changelog does, and reports the share of the zips fetched,
// the requests per version and the peak heap of the reader.
func BenchmarkReadLayer(b *testing.B) {
	for _, size := range []int{40 << 20, 250 << 20} {
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			srv := layerziptest.New(b)
			zips := [][]byte{bigLayer(b, size, 1), bigLayer(b, size, 2)}
			var total int64
			urls := make([]string, len(zips))
			for i, z := range zips {
				urls[i] = srv.Put(fmt.Sprint(i), z)
				total += int64(len(z))
			}
			b.ResetTimer()
			var peak uint64
			for b.Loop() {
				srv.Reset()
				p := layerziptest.HeapPeak(func() {
					for _, u := range urls {
						inv, _, err := Read(context.Background(), u, Options{})
						if err != nil || len(inv.Packages) != 9 {
							b.Fatalf("Read: %v, %d packages", err, len(inv.Packages))
						}
					}
				})
				peak = max(peak, p)
			}
			reqs, sent := srv.Stats()
			b.ReportMetric(100*float64(sent)/float64(total), "%fetched")
			b.ReportMetric(float64(reqs)/float64(len(zips)), "requests/version")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}
