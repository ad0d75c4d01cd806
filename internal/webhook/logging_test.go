package webhook_test

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
)

// An accepted delivery is logged at Debug only: one Info line per
// delivery serialized every request on the log's lock under load, and
// the metrics already count them. At Debug the line names the
// repository.
func TestAcceptedDeliveryLoggedAtDebug(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		level slog.Level
		want  bool
	}{{slog.LevelInfo, false}, {slog.LevelDebug, true}} {
		t.Run(tc.level.String(), func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			h, _ := newLoggedHandler(t, slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: tc.level})))
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			if status, body := send(t, ghapptest.NewDelivery(srv.URL, secret, "push", "d1", fixture(t, "push_tf.json"))); status != 202 {
				t.Fatalf("answer %d %q, want 202", status, body)
			}
			logged := strings.Contains(buf.String(), `"msg":"reconcile requested"`)
			if logged != tc.want {
				t.Errorf("at %s, reconcile request logged = %v, want %v; log:\n%s", tc.level, logged, tc.want, buf.String())
			}
			if tc.want && !strings.Contains(buf.String(), `"delivery_id":"d1"`) {
				t.Errorf("debug line does not name the delivery:\n%s", buf.String())
			}
		})
	}
}
