package ghapp_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/bumpbot/bumpbot/internal/ghapp"
)

// A secondary rate limit on a write is waited out and the write sent
// again with its body; a limit longer than the configured wait, or a
// context that ends first, fails the publish without waiting it out.
func TestPublishSecondaryRateLimit(t *testing.T) {
	t.Parallel()
	const createTree = "POST /repos/{owner}/{repo}/git/trees"
	tests := []struct {
		name       string
		retryAfter time.Duration
		maxWait    time.Duration // Config.SecondaryLimitWait
		ctxTimeout time.Duration // 0: none
		wantErr    func(error) bool
		wantTrees  int    // create-tree requests on the wire
		outcome    string // the metric's outcome label
	}{
		{"waited out", time.Second, 0, 0, nil, 2, "waited"},
		{"longer than allowed", 30 * time.Second, time.Second, 0,
			func(err error) bool { var ae *github.AbuseRateLimitError; return errors.As(err, &ae) }, 1, "gave_up"},
		{"context ends first", 30 * time.Second, 0, 300 * time.Millisecond,
			func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }, 1, "waited"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gh := fakeGitHub(t, map[string]string{"main.tf": "v1\n"})
			reg := prometheus.NewRegistry()
			r := forge(t, client(t, gh, ghapp.Config{Metrics: ghapp.NewMetrics(reg), SecondaryLimitWait: tc.maxWait}))
			snap, err := r.Snapshot(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if tc.ctxTimeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.ctxTimeout)
				defer cancel()
			}
			gh.ResetCounts()
			gh.SecondaryLimit(createTree, tc.retryAfter)
			start := time.Now()
			pub, err := r.Publish(ctx, change(snap, "bumpbot/x", "v2\n"), nil)
			took := time.Since(start)

			if tc.wantErr == nil {
				if err != nil || !pub.Opened {
					t.Fatalf("Publish = %+v, %v; want an opened pull request", pub, err)
				}
				if took < tc.retryAfter-100*time.Millisecond {
					t.Errorf("Publish took %v, less than Retry-After %v", took, tc.retryAfter)
				}
				// The retried request carried its body: the branch holds
				// the new content on top of the base tree.
				if got, _ := gh.File(repoN, "bumpbot/x", "main.tf"); string(got) != "v2\n" {
					t.Errorf("branch main.tf = %q, want v2", got)
				}
			} else {
				if err == nil || !tc.wantErr(err) {
					t.Fatalf("Publish error = %v (%T), want the %s error", err, errors.Unwrap(err), tc.name)
				}
				if took > 5*time.Second {
					t.Errorf("Publish took %v; it must not wait out a %v limit", took, tc.retryAfter)
				}
				if n := len(gh.Pulls(repoN)); n != 0 {
					t.Errorf("%d pull requests after a failed publish", n)
				}
			}
			if n := gh.Counts().ByRoute[createTree]; n != tc.wantTrees {
				t.Errorf("%d create-tree requests, want %d", n, tc.wantTrees)
			}
			if v := counter(t, reg, "bumpbot_github_secondary_rate_limits_total", tc.outcome); v != 1 {
				t.Errorf("secondary limits with outcome %s = %v, want 1", tc.outcome, v)
			}
		})
	}
}

// The rate-limit gauge follows GitHub's X-RateLimit-Remaining of the
// installation's REST answers.
func TestRateLimitRemainingGauge(t *testing.T) {
	t.Parallel()
	gh := fakeGitHub(t, map[string]string{"main.tf": "v1\n"})
	reg := prometheus.NewRegistry()
	r := forge(t, client(t, gh, ghapp.Config{Metrics: ghapp.NewMetrics(reg)}))
	if _, err := r.Snapshot(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The fake starts each installation at 5000 and charges repository,
	// branch and tree.
	if v := gauge(t, reg, "bumpbot_github_rate_limit_remaining", "7"); v != 4997 {
		t.Errorf("remaining = %v, want 4997", v)
	}
}

// counter returns the value of counter name whose one label has value
// label, 0 when it was never incremented.
func counter(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	if m := metric(t, reg, name, label); m != nil {
		return m.GetCounter().GetValue()
	}
	return 0
}

// gauge returns the value of gauge name whose one label has value label.
func gauge(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	m := metric(t, reg, name, label)
	if m == nil {
		t.Fatalf("no %s{%s}", name, label)
	}
	return m.GetGauge().GetValue()
}

func metric(t *testing.T, reg *prometheus.Registry, name, label string) *dto.Metric {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if len(m.GetLabel()) == 1 && m.GetLabel()[0].GetValue() == label {
				return m
			}
		}
	}
	return nil
}
