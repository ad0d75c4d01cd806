package webhook_test

import (
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/testtool"
)

// An accepted delivery is logged at Debug only: one Info line per
// delivery serialized every request on the log's lock under load, and
// the metrics already count them. At Debug the line names the
// delivery.
func TestAcceptedDeliveryLoggedAtDebug(t *testing.T) {
	t.Parallel()
	testtool.DebugOnly(t, "reconcile requested", `"delivery_id":"d1"`, func(t *testing.T, log *slog.Logger) {
		h, _ := newLoggedHandler(t, log)
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		if status, body := send(t, ghapptest.NewDelivery(srv.URL, secret, "push", "d1", fixture(t, "push_tf.json"))); status != 202 {
			t.Fatalf("answer %d %q, want 202", status, body)
		}
	})
}
