package awsevents_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
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
	ctx := context.Background()
	db, err := jobs.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	client, err := jobs.NewClient(db, jobs.Config{Runner: noRunner{}})
	if err != nil {
		b.Fatal(err)
	}
	state, err := repostate.Open(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	const repos, layers = 50, 5
	for i := range repos {
		v := 3
		pin := ref.Reference{Partition: "aws", Region: "us-east-1", Account: "123456789012", Layer: fmt.Sprintf("layer-%d", i%layers), Version: &v, Pos: ref.Pos{File: "main.tf", Line: 1}}
		if err := state.ReplacePins(ctx, 7, fmt.Sprintf("acme/r%d", i), []ref.Reference{pin}); err != nil {
			b.Fatal(err)
		}
	}
	h, err := awsevents.New("token", awsevents.Options{Index: state, Queue: jobs.NewQueue(db, client)})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	testtool.Load(b, 128, func(n int64) *http.Request {
		body := fmt.Sprintf(`{"version":"0","id":"bench-%d","detail-type":"AWS API Call via CloudTrail","source":"aws.lambda",`+
			`"account":"123456789012","region":"us-east-1","detail":{"eventName":"PublishLayerVersion20181031","awsRegion":"us-east-1",`+
			`"responseElements":{"layerVersionArn":"arn:aws:lambda:us-east-1:123456789012:layer:layer-%d:9"}}}`, n, n%layers)
		req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader([]byte(body)))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set(awsevents.TokenHeader, "token")
		return req
	}, http.StatusAccepted)
}
