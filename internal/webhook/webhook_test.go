package webhook_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/webhook"
)

var secret = []byte("s3cret-for-tests")

type noRunner struct{}

func (noRunner) Reconcile(context.Context, jobs.Request) error { return nil }

// newServer serves the handler over a real SQLite queue (never started, so
// jobs stay in the table for inspection).
func newServer(t *testing.T) (*httptest.Server, *sql.DB) {
	t.Helper()
	h, db := newHandler(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, db
}

// newHandler is the handler of newServer, for tests that call it directly.
func newHandler(t *testing.T, opts ...webhook.Option) (*webhook.Handler, *sql.DB) {
	t.Helper()
	return newLoggedHandler(t, nil, opts...)
}

// newLoggedHandler is newHandler writing its log to log.
func newLoggedHandler(t *testing.T, log *slog.Logger, opts ...webhook.Option) (*webhook.Handler, *sql.DB) {
	t.Helper()
	db := openQueue(t)
	return handlerOn(t, db, log, opts...), db
}

// openQueue opens a job queue's database of its own.
func openQueue(t *testing.T) *sql.DB {
	t.Helper()
	db, err := jobs.Open(context.Background(), filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// handlerOn is a handler recording into db.
func handlerOn(t *testing.T, db *sql.DB, log *slog.Logger, opts ...webhook.Option) *webhook.Handler {
	t.Helper()
	client, err := jobs.NewClient(db, jobs.Config{Runner: noRunner{}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := webhook.New(secret, jobs.NewQueue(db, client), log, webhook.NewMetrics(prometheus.NewRegistry()), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func send(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Status string }
	b, _ := io.ReadAll(resp.Body)
	json.Unmarshal(b, &body)
	return resp.StatusCode, body.Status
}

// jobRepos returns the repository of each job, in insertion order.
func jobRepos(t *testing.T, db *sql.DB) []string {
	t.Helper()
	return jobField(t, db, func(a jobs.ReconcileArgs) string { return a.Repo })
}

// jobBranches returns the default branch each job carries.
func jobBranches(t *testing.T, db *sql.DB) []string {
	t.Helper()
	return jobField(t, db, func(a jobs.ReconcileArgs) string { return a.DefaultBranch })
}

func jobField(t *testing.T, db *sql.DB, field func(jobs.ReconcileArgs) string) []string {
	t.Helper()
	var out []string
	for _, a := range jobArgs(t, db) {
		out = append(out, field(a))
	}
	return out
}

func jobArgs(t *testing.T, db *sql.DB) []jobs.ReconcileArgs {
	t.Helper()
	rows, err := db.Query(`SELECT json(args) FROM river_job ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []jobs.ReconcileArgs
	for rows.Next() {
		var raw []byte
		var a jobs.ReconcileArgs
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func TestWebhookAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		event      string
		body       []byte
		sign       func(body []byte) string
		wantStatus int
		wantBody   string
		wantJobs   []string
		// wantBranches, when set, are the default branches the jobs
		// carry.
		wantBranches []string
	}{
		{name: "installation created", event: "installation", body: fixture(t, "installation_created.json"),
			wantStatus: 202, wantBody: "queued", wantJobs: []string{"acme/infra", "acme/app"}},
		{name: "repositories added", event: "installation_repositories", body: fixture(t, "installation_repositories_added.json"),
			wantStatus: 202, wantBody: "queued", wantJobs: []string{"acme/new"}},
		{name: "push touching terraform", event: "push", body: fixture(t, "push_tf.json"),
			wantStatus: 202, wantBody: "queued", wantJobs: []string{"acme/infra"}, wantBranches: []string{"main"}},
		{name: "default branch changed", event: "repository", body: fixture(t, "repository_edited_default_branch.json"),
			wantStatus: 202, wantBody: "queued", wantJobs: []string{"acme/infra"}, wantBranches: []string{"main"}},
		{name: "repository description edited", event: "repository", body: fixture(t, "repository_edited_description.json"),
			wantStatus: 202, wantBody: "ignored"},
		{name: "push touching only a readme", event: "push", body: fixture(t, "push_readme.json"), wantStatus: 202, wantBody: "ignored"},
		{name: "push to another branch", event: "push", body: fixture(t, "push_other_branch.json"), wantStatus: 202, wantBody: "ignored"},
		{name: "pull request opened", event: "pull_request", body: []byte(`{"action":"opened","installation":{"id":1},` +
			`"repository":{"full_name":"acme/infra","default_branch":"main"},"pull_request":{"head":{"ref":"feature"}}}`),
			wantStatus: 202, wantBody: "queued", wantJobs: []string{"acme/infra"}},
		{name: "the bot's pull request synchronized", event: "pull_request", body: []byte(`{"action":"synchronize","installation":{"id":1},` +
			`"repository":{"full_name":"acme/infra"},"pull_request":{"head":{"ref":"bumpbot/mylayer"}}}`), wantStatus: 202, wantBody: "ignored"},
		{name: "push to .github touching the policy", event: "push", body: []byte(`{"ref":"refs/heads/main","size":1,"installation":{"id":1},` +
			`"repository":{"full_name":"acme/.github","default_branch":"main"},"commits":[{"modified":["bumpbot-policy.yml"]}]}`),
			wantStatus: 202, wantBody: "queued", wantJobs: []string{"acme/.github"}},
		{name: "push to .github deleting the policy", event: "push", body: []byte(`{"ref":"refs/heads/main","size":1,"installation":{"id":1},` +
			`"repository":{"full_name":"acme/.github","default_branch":"main"},"commits":[{"removed":["bumpbot-policy.yml"]}]}`),
			wantStatus: 202, wantBody: "queued", wantJobs: []string{"acme/.github"}},
		{name: "ping", event: "ping", body: []byte(`{"zen":"Keep it simple."}`), wantStatus: 200, wantBody: "ok"},
		{name: "unhandled event", event: "star", body: []byte(`{"action":"created"}`), wantStatus: 202, wantBody: "ignored"},
		{name: "malformed json", event: "push", body: []byte(`{"ref": `), wantStatus: 400, wantBody: "malformed"},
		{name: "missing signature", event: "push", body: fixture(t, "push_tf.json"),
			sign: func([]byte) string { return "" }, wantStatus: 401, wantBody: "bad_signature"},
		{name: "wrong signature", event: "push", body: fixture(t, "push_tf.json"),
			sign: func(b []byte) string { return ghapptest.Sign([]byte("other"), b) }, wantStatus: 401, wantBody: "bad_signature"},
		{name: "signature of other bytes", event: "push", body: fixture(t, "push_tf.json"),
			sign: func(b []byte) string { return ghapptest.Sign(secret, append(b, ' ')) }, wantStatus: 401, wantBody: "bad_signature"},
		{name: "too large", event: "push", body: bytes.Repeat([]byte(" "), webhook.MaxBody+1), wantStatus: 413, wantBody: "too_large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, db := newServer(t)
			req := ghapptest.NewDelivery(srv.URL, secret, tc.event, "delivery-1", tc.body)
			if tc.sign != nil {
				req.Header.Set("X-Hub-Signature-256", tc.sign(tc.body))
			}
			status, body := send(t, req)
			if status != tc.wantStatus || body != tc.wantBody {
				t.Errorf("answer %d %q, want %d %q", status, body, tc.wantStatus, tc.wantBody)
			}
			if got := jobRepos(t, db); strings.Join(got, ",") != strings.Join(tc.wantJobs, ",") {
				t.Errorf("jobs %v, want %v", got, tc.wantJobs)
			}
			if got := jobBranches(t, db); tc.wantBranches != nil && strings.Join(got, ",") != strings.Join(tc.wantBranches, ",") {
				t.Errorf("jobs carry default branches %q, want %q", got, tc.wantBranches)
			}
		})
	}
}

func TestRedeliveryIsAcknowledgedOnce(t *testing.T) {
	t.Parallel()
	srv, db := newServer(t)
	body := fixture(t, "push_tf.json")
	if status, got := send(t, ghapptest.NewDelivery(srv.URL, secret, "push", "d-1", body)); status != 202 || got != "queued" {
		t.Fatalf("first delivery: %d %s", status, got)
	}
	if status, got := send(t, ghapptest.NewDelivery(srv.URL, secret, "push", "d-1", body)); status != 200 || got != "duplicate" {
		t.Errorf("redelivery: %d %s, want 200 duplicate", status, got)
	}
	if jobs := jobRepos(t, db); len(jobs) != 1 {
		t.Errorf("jobs %v, want one", jobs)
	}
	var seq int
	db.QueryRow(`SELECT seq FROM bumpbot_repo_request WHERE repo = 'acme/infra'`).Scan(&seq)
	if seq != 1 {
		t.Errorf("request count %d after a redelivery, want 1", seq)
	}
}

func TestNewRefusesEmptySecret(t *testing.T) {
	t.Parallel()
	if _, err := webhook.New(nil, nil, nil, nil); err == nil {
		t.Error("New accepted an empty secret")
	}
}

func FuzzWebhookNeverPanics(f *testing.F) {
	f.Add("push", []byte(`{"ref":"refs/heads/main","repository":{"default_branch":"main","full_name":"a/b"},"installation":{"id":1}}`))
	f.Add("installation", []byte(`{"action":"created","installation":{"id":1},"repositories":[{"full_name":"a/b"}]}`))
	f.Add("installation_repositories", []byte(`{"action":"added"}`))
	f.Add("repository", []byte(`{"action":"edited","changes":{"default_branch":{}},"installation":{"id":1},"repository":{"full_name":"a/b"}}`))
	f.Add("push", []byte(`[]`))
	srv, _ := newServerF(f)
	f.Fuzz(func(t *testing.T, event string, body []byte) {
		resp, err := http.DefaultClient.Do(ghapptest.NewDelivery(srv.URL, secret, event, "fuzz", body))
		if err != nil {
			return // an event name that is not a valid header value
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Errorf("event %q body %q: status %d", event, body, resp.StatusCode)
		}
	})
}

func newServerF(f *testing.F) (*httptest.Server, *sql.DB) {
	db, err := jobs.Open(context.Background(), filepath.Join(f.TempDir(), "q.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	client, _ := jobs.NewClient(db, jobs.Config{Runner: noRunner{}})
	h, _ := webhook.New(secret, jobs.NewQueue(db, client), nil, nil)
	srv := httptest.NewServer(h)
	f.Cleanup(srv.Close)
	return srv, db
}
