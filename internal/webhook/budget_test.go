package webhook_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/webhook"
)

// slowBody is a request whose body the client sends a byte at a time:
// it holds its share of the budget until finished.
type slowBody struct {
	pw   *io.PipeWriter
	done chan *httptest.ResponseRecorder
}

// startSlow posts a body of declared length n with a well-formed but
// forged signature and returns once the handler has started reading it
// (io.Pipe's Write returns only when the reader took the byte), or has
// answered without reading.
func startSlow(t *testing.T, h http.Handler, n int64) *slowBody {
	t.Helper()
	pr, pw := io.Pipe()
	req := ghapptest.NewDelivery("/webhooks/github", nil, "push", "slow", nil)
	req.Body = pr
	req.ContentLength = n
	req.Header.Set("X-Hub-Signature-256", "sha256="+strings.Repeat("ab", 32))
	s := &slowBody{pw: pw, done: make(chan *httptest.ResponseRecorder, 1)}
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		pr.CloseWithError(io.ErrClosedPipe) // the client's next write fails, as on a closed connection
		s.done <- rec
	}()
	pw.Write([]byte{'{'}) //nolint:errcheck // an answer without reading closes the pipe
	return s
}

// finish sends the rest of the body and returns the answer.
func (s *slowBody) finish(n int64) *httptest.ResponseRecorder {
	io.Copy(s.pw, io.LimitReader(zeros{}, n-1)) //nolint:errcheck // see startSlow
	s.pw.Close()
	return <-s.done
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// Bodies beyond the budget are answered 503 with Retry-After without
// being read; a small signed delivery still gets in on the share kept for
// small bodies; and a share comes back when its body is done.
func TestBudgetBoundsBodiesReadAtOnce(t *testing.T) {
	t.Parallel()
	const large = 1 << 20 // a body too large for the small share
	h, db := newHandler(t, webhook.WithBudget(webhook.Budget{Bytes: 2*large + 32<<10, Small: 32 << 10}))
	var slow []*slowBody
	for range 2 {
		slow = append(slow, startSlow(t, h, large))
	}
	over := startSlow(t, h, large).finish(large)
	if over.Code != http.StatusServiceUnavailable || over.Header().Get("Retry-After") == "" || !strings.Contains(over.Body.String(), "busy") {
		t.Errorf("a body beyond the budget: %d %q Retry-After %q, want 503 busy with Retry-After", over.Code, over.Body, over.Header().Get("Retry-After"))
	}

	// Signed small deliveries get in while the large share is taken.
	body := fixture(t, "push_tf.json")
	for i, want := range []int{http.StatusAccepted, http.StatusOK} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, ghapptest.NewDelivery("/webhooks/github", secret, "push", "signed-during-flood", body))
		if rec.Code != want {
			t.Errorf("signed delivery %d during the flood: %d %s, want %d", i, rec.Code, rec.Body, want)
		}
	}
	if got := jobRepos(t, db); len(got) != 1 {
		t.Errorf("jobs %v, want the signed delivery's one", got)
	}

	// A small forged body holds the small share: the next small one
	// waits for it too.
	small := startSlow(t, h, 1000)
	if rec := startSlow(t, h, 1000).finish(1000); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("a small body beyond both shares: %d, want 503", rec.Code)
	}
	if rec := small.finish(1000); rec.Code != http.StatusUnauthorized {
		t.Errorf("the forged small body: %d, want 401", rec.Code)
	}

	var wg sync.WaitGroup
	for _, s := range slow {
		wg.Go(func() {
			if rec := s.finish(large); rec.Code != http.StatusUnauthorized {
				t.Errorf("a forged body read to its end: %d %s, want 401", rec.Code, rec.Body)
			}
		})
	}
	wg.Wait()
	// Their shares are back: a large signed delivery is read again.
	end := bytes.LastIndexByte(body, '}')
	big := slices.Concat(body[:end], []byte(`, "padding": "`+strings.Repeat("x", large-len(body)-100)+`"}`))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, ghapptest.NewDelivery("/webhooks/github", secret, "push", "large-after-flood", big))
	if rec.Code != http.StatusAccepted {
		t.Errorf("a large signed delivery after the flood: %d %s, want 202", rec.Code, rec.Body)
	}
}

// A declared length over 25 MiB is refused 413 before it is read.
func TestTooLargeRefusedUnread(t *testing.T) {
	t.Parallel()
	h, _ := newHandler(t)
	cr := &countingReader{r: zeros{}}
	req := ghapptest.NewDelivery("/webhooks/github", secret, "push", "d-1", nil)
	req.Body = io.NopCloser(cr)
	req.ContentLength = webhook.MaxBody + 1
	req.Header.Set("X-Hub-Signature-256", "sha256="+strings.Repeat("00", 32))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge || cr.n != 0 {
		t.Errorf("answer %d after reading %d bytes, want 413 after none", rec.Code, cr.n)
	}
}
