package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/testtool"
	"github.com/bumpbot/bumpbot/internal/webhook"
)

// BenchmarkWebhookIngest measures signed push deliveries answered per
// second over loopback, each durably recorded in SQLite (delivery id +
// unique job, one transaction), with a parallel keep-alive client: 128
// requests in flight per GOMAXPROCS, 256 on two cores as in
// scripts/ingest.sh's heaviest point. Reports req/s and the p99 latency.
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
	testtool.Load(b, 128, func(n int64) *http.Request {
		return ghapptest.NewDelivery(srv.URL, secret, "push", fmt.Sprintf("bench-%d", n), bodies[n%int64(len(bodies))])
	}, http.StatusAccepted)
}
