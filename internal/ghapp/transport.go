package ghapp

import (
	"net/http"
	"strconv"

	"github.com/bradleyfalzon/ghinstallation/v2"
)

// tokenOnTop sends each request through ghinstallation (which sets the
// Authorization header and refreshes the token) and then through next.
type tokenOnTop struct {
	itr  *ghinstallation.Transport
	next http.RoundTripper
}

func (t *tokenOnTop) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.itr.Token(req.Context())
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "token "+tok)
	return t.next.RoundTrip(r)
}

// revalidate rewrites the response's Cache-Control so that httpcache keeps
// the body and ETag but treats it as stale: every later GET is sent with
// If-None-Match and GitHub answers 304 (free) when nothing changed. Without
// it GitHub's max-age=60 would let the cache serve a tree up to a minute
// old, and a reconcile right after a push would miss the push.
type revalidate struct{ next http.RoundTripper }

func (t revalidate) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil && resp.Header.Get("Cache-Control") != "no-store" {
		resp.Header.Set("Cache-Control", "no-cache")
	}
	return resp, err
}

// countingTransport records every request that reaches the network and the
// rate limit GitHub reports for the installation.
type countingTransport struct {
	next         http.RoundTripper
	metrics      *Metrics
	installation int64
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if t.metrics == nil {
		return resp, err
	}
	if err != nil {
		t.metrics.calls.WithLabelValues(req.Method, "error").Inc()
		t.metrics.errors.Inc()
		return resp, err
	}
	t.metrics.calls.WithLabelValues(req.Method, strconv.Itoa(resp.StatusCode)).Inc()
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusForbidden {
		t.metrics.errors.Inc()
	}
	if v, perr := strconv.ParseFloat(resp.Header.Get("X-RateLimit-Remaining"), 64); perr == nil {
		t.metrics.remaining.WithLabelValues(strconv.FormatInt(t.installation, 10)).Set(v)
	}
	return resp, err
}
