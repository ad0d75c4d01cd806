package webhook_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
)

// countingReader counts the bytes a handler reads from a request body.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func mac(h func() hash.Hash, body []byte) string {
	m := hmac.New(h, secret)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Only X-Hub-Signature-256 with sha256= is accepted, and a request
// without a well-formed one is refused on its headers: not one body byte
// is read, so unsigned floods cost no memory. go-github's ValidatePayload
// accepted a correct SHA-1 X-Hub-Signature alone and sha512= values.
func TestSignatureSchemes(t *testing.T) {
	t.Parallel()
	body := fixture(t, "push_tf.json")
	tests := map[string]http.Header{
		"no signature":              {},
		"sha1 header alone":         {"X-Hub-Signature": {"sha1=" + mac(sha1.New, body)}},
		"sha512 in the 256 header":  {"X-Hub-Signature-256": {"sha512=" + mac(sha512.New, body)}},
		"sha1 in the 256 header":    {"X-Hub-Signature-256": {"sha1=" + mac(sha1.New, body)}},
		"short hex":                 {"X-Hub-Signature-256": {"sha256=" + mac(sha512.New, body)[:63]}},
		"not hex":                   {"X-Hub-Signature-256": {"sha256=" + strings.Repeat("zz", 32)}},
		"no prefix":                 {"X-Hub-Signature-256": {mac(sha512.New, body)[:64]}},
		"two 256 headers":           {"X-Hub-Signature-256": {ghapptest.Sign(secret, body), ghapptest.Sign(secret, body)}},
		"empty":                     {"X-Hub-Signature-256": {""}},
		"upper-case algorithm name": {"X-Hub-Signature-256": {"SHA256=" + mac(sha512.New, body)[:64]}},
	}
	for name, hdr := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h, db := newHandler(t)
			req := ghapptest.NewDelivery("/webhooks/github", nil, "push", "d-1", nil)
			cr := &countingReader{r: strings.NewReader(string(body))}
			req.Body = io.NopCloser(cr)
			req.ContentLength = int64(len(body))
			for k, v := range hdr {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "bad_signature") {
				t.Errorf("answer %d %s, want 401 bad_signature", rec.Code, rec.Body)
			}
			if cr.n != 0 {
				t.Errorf("%d body bytes read before refusing, want 0", cr.n)
			}
			if got := jobRepos(t, db); len(got) != 0 {
				t.Errorf("jobs %v recorded for a refused delivery", got)
			}
		})
	}
}

// GitHub sends both headers when a webhook has a secret: the SHA-1 one
// beside a valid SHA-256 one changes nothing, and a form-encoded delivery
// is verified on its raw body.
func TestSignatureAccepted(t *testing.T) {
	t.Parallel()
	body := fixture(t, "push_tf.json")
	srv, db := newServer(t)
	req := ghapptest.NewDelivery(srv.URL, secret, "push", "d-1", body)
	req.Header.Set("X-Hub-Signature", "sha1="+mac(sha1.New, body))
	if status, got := send(t, req); status != 202 || got != "queued" {
		t.Errorf("both headers: %d %s, want 202 queued", status, got)
	}
	form := []byte(url.Values{"payload": {string(body)}}.Encode())
	req = ghapptest.NewDelivery(srv.URL, secret, "push", "d-2", form)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, got := send(t, req); status != 202 || got != "queued" {
		t.Errorf("form delivery: %d %s, want 202 queued", status, got)
	}
	req = ghapptest.NewDelivery(srv.URL, secret, "push", "d-3", form)
	req.Header.Set("Content-Type", "text/plain")
	if status, got := send(t, req); status != 415 || got != "malformed" {
		t.Errorf("text/plain delivery: %d %s, want 415 malformed", status, got)
	}
	// Both deliveries name the same repository: one job, which the
	// second coalesced into.
	if got := jobRepos(t, db); len(got) != 1 {
		t.Errorf("jobs %v, want one", got)
	}
}
