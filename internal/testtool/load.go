package testtool

import (
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Load sends b.N requests over parallel keep-alive connections
// (parallelism × GOMAXPROCS goroutines, as b.SetParallelism counts them),
// each built by next from its sequence number, and fails the benchmark
// on any status but want. It reports requests per second and the p99
// latency, the figures an ingest endpoint is judged by.
func Load(b *testing.B, parallelism int, next func(n int64) *http.Request, want int) {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024}}
	defer hc.CloseIdleConnections()
	var seq atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(parallelism)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			req := next(seq.Add(1))
			t0 := time.Now()
			resp, err := hc.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body) //nolint:errcheck // only the status matters
			resp.Body.Close()
			if resp.StatusCode != want {
				b.Errorf("status %d, want %d", resp.StatusCode, want)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}
