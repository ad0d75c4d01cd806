package awsevents_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/testtool"
)

// A queued event is logged at Debug only, as GitHub deliveries are: an
// Info line per event serialized every request on the log's lock under a
// burst, and bumpbot_aws_events_total counts them. At Debug the line
// names the event and the layer.
func TestQueuedEventLoggedAtDebug(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		level slog.Level
		want  bool
	}{{slog.LevelInfo, false}, {slog.LevelDebug, true}} {
		t.Run(tc.level.String(), func(t *testing.T) {
			t.Parallel()
			var buf testtool.Buffer
			srv := httptest.NewServer(newSeededHandler(t, slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: tc.level}))))
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
			logged := strings.Contains(buf.String(), `"msg":"layer event"`)
			if logged != tc.want {
				t.Errorf("at %s, event logged = %v, want %v; log:\n%s", tc.level, logged, tc.want, buf.String())
			}
			if tc.want && !strings.Contains(buf.String(), `"event_id":"e1"`) {
				t.Errorf("debug line does not name the event:\n%s", buf.String())
			}
		})
	}
}
