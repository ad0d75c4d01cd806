package webhook_test

import (
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
)

// The delivery id is not signed: a validly signed payload replayed with a
// delivery id that is not a short printable id is refused with 400 and
// records nothing.
func TestWebhookRefusesOddDeliveryIDs(t *testing.T) {
	t.Parallel()
	for name, id := range map[string]string{
		"empty":     "",
		"not utf-8": "d\xff\xfe",
		"space":     "a b",
		"very long": strings.Repeat("a", 129),
		"non-ascii": "délivery",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, db := newServer(t)
			req := ghapptest.NewDelivery(srv.URL, secret, "push", "placeholder", fixture(t, "push_tf.json"))
			req.Header.Set("X-GitHub-Delivery", id)
			status, body := send(t, req)
			if status != 400 || body != "malformed" {
				t.Errorf("answer %d %q, want 400 malformed", status, body)
			}
			if got := jobRepos(t, db); len(got) != 0 {
				t.Errorf("jobs %v recorded for a refused delivery", got)
			}
		})
	}
}
