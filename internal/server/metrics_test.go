package server_test

import (
	"net/http"
	"testing"
	"time"
)

// get returns the status of a GET of url.
func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// /metrics is served on the public port unless BUMPBOT_METRICS_ADDR gives
// it a listener of its own; then the public port no longer offers it.
func TestMetricsListener(t *testing.T) {
	t.Parallel()
	t.Run("public", func(t *testing.T) {
		t.Parallel()
		srv := newEnv(t).start(t, 5*time.Second)
		if got := srv.srv.MetricsAddr(); got != "" {
			t.Errorf("MetricsAddr() = %q without BUMPBOT_METRICS_ADDR, want empty", got)
		}
		if got := get(t, srv.url+"/metrics"); got != http.StatusOK {
			t.Errorf("public /metrics = %d, want 200", got)
		}
	})
	t.Run("own listener", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.metricsAddr = "127.0.0.1:0"
		srv := e.start(t, 5*time.Second)
		addr := srv.srv.MetricsAddr()
		if addr == "" {
			t.Fatal("no metrics listener with BUMPBOT_METRICS_ADDR set")
		}
		if got := get(t, "http://"+addr+"/metrics"); got != http.StatusOK {
			t.Errorf("/metrics on the metrics listener = %d, want 200", got)
		}
		if got := get(t, srv.url+"/metrics"); got != http.StatusNotFound && got != http.StatusMethodNotAllowed {
			t.Errorf("public /metrics with a metrics listener = %d, want 404", got)
		}
		if got := get(t, "http://"+addr+"/readyz"); got != http.StatusNotFound {
			t.Errorf("/readyz on the metrics listener = %d, want 404 (only /metrics there)", got)
		}
		if got := get(t, srv.url+"/readyz"); got != http.StatusOK {
			t.Errorf("public /readyz = %d, want 200", got)
		}
	})
}
