package ghapp

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/gofri/go-github-ratelimit/v2/github_ratelimit/github_secondary_ratelimit"
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

// It also drops Authorization from Vary: the cache is kept per
// installation already, and an installation's token changes every hour
// and at every restart; httpcache would otherwise send no If-None-Match
// for an answer stored under an older token, and pay for it again.
func (t revalidate) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil && resp.Header.Get("Cache-Control") != "no-store" {
		resp.Header.Set("Cache-Control", "no-cache")
		if vary := resp.Header.Values("Vary"); len(vary) > 0 {
			resp.Header.Del("Vary")
			for _, v := range vary {
				for _, f := range strings.Split(v, ",") {
					if f = strings.TrimSpace(f); f != "" && !strings.EqualFold(f, "Authorization") {
						resp.Header.Add("Vary", f)
					}
				}
			}
		}
	}
	return resp, err
}

// countingTransport records every request that reaches the network and the
// rate limit GitHub reports for the installation (0 for the app's own
// requests).
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
	// Search, GraphQL and other resources have windows of their own; the
	// gauge follows the REST one every reconcile spends. App-level (JWT)
	// requests (installation 0) have a window of their own too.
	if res := resp.Header.Get("X-RateLimit-Resource"); t.installation == 0 || (res != "" && res != "core") {
		return resp, err
	}
	if v, perr := strconv.ParseFloat(resp.Header.Get("X-RateLimit-Remaining"), 64); perr == nil {
		t.metrics.remaining.WithLabelValues(strconv.FormatInt(t.installation, 10)).Set(v)
	}
	return resp, err
}

// replayBody sends each attempt with a fresh body from GetBody. The
// secondary limiter sends the same *http.Request again after a wait, and
// the first attempt has consumed its body: without this a retried POST
// goes out empty ("ContentLength=132 with Body length 0").
type replayBody struct{ next http.RoundTripper }

func (t replayBody) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody || req.GetBody == nil {
		return t.next.RoundTrip(req)
	}
	body, err := req.GetBody()
	req.Body.Close() // a RoundTripper closes the body it was given
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Body = body
	return t.next.RoundTrip(r)
}

// secondaryLimiter returns next wrapped in go-github-ratelimit's secondary
// limiter: on a 403 or 429 that GitHub marks as a secondary rate limit it
// holds every request of the installation until Retry-After (or
// X-RateLimit-Reset) passes, waking early when the request's context ends,
// and then sends the request again (the body is replayed through
// GetBody). A wait longer than maxWait is not taken: the 403 goes up to
// go-github as an AbuseRateLimitError, go-github refuses further requests
// until the time GitHub named, and the job is retried later.
func secondaryLimiter(next http.RoundTripper, maxWait time.Duration, m *Metrics) http.RoundTripper {
	return github_secondary_ratelimit.New(replayBody{next},
		github_secondary_ratelimit.WithLimitDetectedCallback(func(*github_secondary_ratelimit.CallbackContext) {
			m.secondary("waited")
		}),
		github_secondary_ratelimit.WithSingleSleepLimit(maxWait, func(*github_secondary_ratelimit.CallbackContext) {
			m.secondary("gave_up")
		}),
	)
}
