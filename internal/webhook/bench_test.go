package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/webhook"
)

// BenchmarkWebhookIngest measures signed push deliveries answered per
// second over loopback, each durably recorded in SQLite (delivery id +
// unique job, one transaction), with a parallel keep-alive client.
// Reports req/s and the p99 latency.
func BenchmarkWebhookIngest(b *testing.B) {
	db, err := jobs.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	client, err := jobs.NewClient(db, jobs.Config{Runner: noRunner{}})
	if err != nil {
		b.Fatal(err)
	}
	h, err := webhook.New(secret, jobs.NewQueue(db, client), nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	bodies := make([][]byte, 50) // 50 repositories: most pushes coalesce
	for i := range bodies {
		bodies[i], _ = json.Marshal(map[string]any{
			"ref": "refs/heads/main", "size": 1, "installation": map[string]any{"id": 7},
			"repository": map[string]any{"full_name": fmt.Sprintf("acme/r%d", i), "default_branch": "main"},
			"commits":    []any{map[string]any{"modified": []string{"main.tf"}}},
		})
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var seq atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			n := seq.Add(1)
			req := ghapptest.NewDelivery(srv.URL, secret, "push", fmt.Sprintf("bench-%d", n), bodies[n%int64(len(bodies))])
			t0 := time.Now()
			resp, err := hc.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted {
				b.Errorf("status %d", resp.StatusCode)
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
