package awsevents_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/awsevents"
	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/testtool"
)

type noRunner struct{}

func (noRunner) Reconcile(context.Context, jobs.Request) error { return nil }

// BenchmarkAWSEventIngest measures publish events answered per second
// over loopback by the handler on SQLite, as scripts/ingest.sh loads
// the server: 50 repositories, each pinning one of 5 layers, and each
// event (an id of its own) a publish of one of them, so it reads the
// index and asks for 10 reconciles. 128 requests in flight per
// GOMAXPROCS. Reports req/s, the p99 latency, and with -benchmem the
// allocations per event.
func BenchmarkAWSEventIngest(b *testing.B) {
	srv := httptest.NewServer(newSeededHandler(b, nil))
	defer srv.Close()
	testtool.Load(b, 128, func(n int64) *http.Request {
		return newEvent(b, srv.URL, fmt.Sprintf("bench-%d", n), int(n%seededLayers))
	}, http.StatusAccepted)
}

// seededRepos repositories, repository i pinning layer-(i mod
// seededLayers) in us-east-1 of account 123456789012.
const seededRepos, seededLayers = 50, 5

// newSeededHandler returns the handler over a fresh SQLite job queue and
// layer index holding the seeded pins, with token "token".
func newSeededHandler(tb testing.TB, log *slog.Logger) *awsevents.Handler {
	ctx := context.Background()
	db, err := jobs.Open(ctx, filepath.Join(tb.TempDir(), "bench.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	client, err := jobs.NewClient(db, jobs.Config{Runner: noRunner{}})
	if err != nil {
		tb.Fatal(err)
	}
	state, err := repostate.Open(ctx, db)
	if err != nil {
		tb.Fatal(err)
	}
	for i := range seededRepos {
		v := 3
		pin := ref.Reference{Partition: "aws", Region: "us-east-1", Account: "123456789012", Layer: fmt.Sprintf("layer-%d", i%seededLayers), Version: &v, Pos: ref.Pos{File: "main.tf", Line: 1}}
		if err := state.ReplacePins(ctx, 7, fmt.Sprintf("acme/r%d", i), []ref.Reference{pin}); err != nil {
			tb.Fatal(err)
		}
	}
	h, err := awsevents.New("token", awsevents.Options{Index: state, Queue: jobs.NewQueue(db, client), Logger: log})
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// newEvent is the request an API destination sends for a publish of
// version 9 of layer-<layer>, event id id.
func newEvent(tb testing.TB, url, id string, layer int) *http.Request {
	body := fmt.Sprintf(`{"version":"0","id":%q,"detail-type":"AWS API Call via CloudTrail","source":"aws.lambda",`+
		`"account":"123456789012","region":"us-east-1","detail":{"eventName":"PublishLayerVersion20181031","awsRegion":"us-east-1",`+
		`"responseElements":{"layerVersionArn":"arn:aws:lambda:us-east-1:123456789012:layer:layer-%d:9"}}}`, id, layer)
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set(awsevents.TokenHeader, "token")
	return req
}
