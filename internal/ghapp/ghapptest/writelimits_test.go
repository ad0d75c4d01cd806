package ghapptest_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
)

// post sends a write (a label) as installation 7 and returns the status
// and Retry-After.
func post(t *testing.T, gh *ghapptest.Server, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, gh.URL+"/repos/acme/infra/labels", strings.NewReader(`{"name":"x","color":"ffffff"}`))
	req.Header.Set("Authorization", "token "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// Writes beyond a window, and a write while another is in flight, get
// GitHub's secondary-rate-limit answer, counted; reads are not limited.
func TestWriteLimits(t *testing.T) {
	t.Parallel()
	gh := ghapptest.New(t, 1)
	gh.CreateRepo(t, "acme/infra", "main", map[string]string{"main.tf": "x\n"})
	gh.AddInstallation(7, "acme/infra")
	token := gh.PlainToken(7)
	gh.SetWriteLimits(ghapptest.WriteLimit{N: 3, Per: time.Hour})
	for i := range 3 {
		if status, _ := post(t, gh, token); status >= 400 && status != http.StatusUnprocessableEntity {
			t.Fatalf("write %d: %d", i, status)
		}
	}
	status, retry := post(t, gh, token)
	if status != http.StatusForbidden || retry == "" {
		t.Errorf("fourth write within 3/1h: %d, Retry-After %q; want 403 with Retry-After", status, retry)
	}
	if c := gh.Counts(); c.SecondaryLimited != 1 || c.Writes != 4 {
		t.Errorf("counts %+v, want 1 secondary limit of 4 writes", c)
	}

	// Concurrent writes: with 50 ms of latency two writes overlap.
	gh.SetWriteLimits(ghapptest.WriteLimit{N: 100, Per: time.Hour})
	gh.SetLatency(50 * time.Millisecond)
	gh.ResetCounts()
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); post(t, gh, token) }()
	}
	wg.Wait()
	if c := gh.Counts(); c.SecondaryLimited != 1 {
		t.Errorf("two concurrent writes: %d secondary limits, want 1", c.SecondaryLimited)
	}
}
