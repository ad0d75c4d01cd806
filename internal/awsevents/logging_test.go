package awsevents_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/bumpbot/bumpbot/internal/testtool"
)

// A queued event is logged at Debug only, as GitHub deliveries are: an
// Info line per event serialized every request on the log's lock under a
// burst, and bumpbot_aws_events_total counts them. At Debug the line
// names the event.
func TestQueuedEventLoggedAtDebug(t *testing.T) {
	t.Parallel()
	testtool.DebugOnly(t, "layer event", `"event_id":"e1"`, func(t *testing.T, log *slog.Logger) {
		srv := httptest.NewServer(newSeededHandler(t, log))
		t.Cleanup(srv.Close)
		resp, err := http.DefaultClient.Do(newEvent(t, srv.URL, "e1", 2))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted || !bytes.HasPrefix(body, []byte("queued 10 reconciles")) {
			t.Fatalf("answer %d %q, want 202 queued 10 reconciles", resp.StatusCode, body)
		}
	})
}
