package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/changelog"
	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/jobs/jobstest"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
	"github.com/bumpbot/bumpbot/internal/server"
	"github.com/bumpbot/bumpbot/internal/testtool"
)

var update = flag.Bool("update", false, "rewrite golden files")

const (
	appID   = 99
	inst    = 7
	repoN   = "acme/infra"
	account = "123456789012"
	secret  = "e2e-webhook-secret-value"
)

const mainTF = `resource "aws_lambda_function" "f" {
  function_name = "f"
  runtime       = "python3.12"
  layers        = ["arn:aws:lambda:us-east-1:123456789012:layer:mylayer:3"]
}
`

// syncBuffer is a log sink shared by the server's goroutines.
type syncBuffer = testtool.Buffer

type env struct {
	gh     *ghapptest.Server
	dbPath string
	// databaseURL is BUMPBOT_DATABASE_URL: the job queue on PostgreSQL
	// (it wins over dbPath) when set.
	databaseURL string
	reg         layers.Registry
	logs        *syncBuffer
	// poll is BUMPBOT_POLL_INTERVAL: "0" (off) unless a test polls, so
	// webhook tests see only the reconciles their deliveries ask for.
	poll string
	// awsToken is BUMPBOT_AWS_EVENTS_TOKEN: "" disables /webhooks/aws.
	awsToken string
	// layerPoll is BUMPBOT_LAYER_POLL_INTERVAL: "0" (off) unless a test
	// polls layers.
	layerPoll string
	// fleetToken is BUMPBOT_FLEET_TOKEN: "" disables the fleet view.
	fleetToken string
	// clientID and clientSecret are the App's OAuth credentials:
	// sign-in to the fleet view.
	clientID, clientSecret string
	// metricsAddr is BUMPBOT_METRICS_ADDR.
	metricsAddr string
	// jobTimeout, writeLimits and workers are BUMPBOT_JOB_TIMEOUT,
	// BUMPBOT_WRITE_LIMITS and BUMPBOT_WORKERS ("": the defaults).
	jobTimeout, writeLimits, workers string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	gh := ghapptest.New(t, appID)
	gh.CreateRepo(t, repoN, "main", map[string]string{"main.tf": mainTF, "README.md": "# infra\n"})
	gh.AddInstallation(inst, repoN)
	root := t.TempDir()
	reconciletest.Publish(t, root, "us-east-1", account, "mylayer", 3, 4, 5)
	reg, err := layers.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	return &env{gh: gh, dbPath: filepath.Join(t.TempDir(), "bumpbot.db"), reg: reg, logs: &syncBuffer{}, poll: "0", layerPoll: "0"}
}

// running is one started server.
type running struct {
	url  string
	stop func() error
	srv  *server.Server
}

// newServer builds (without starting) a server on e.
func (e *env) newServer(t testing.TB, shutdown time.Duration) *server.Server {
	t.Helper()
	cfg, err := server.LoadConfig("", func(k string) string {
		return map[string]string{
			"BUMPBOT_APP_ID": fmt.Sprint(appID), "BUMPBOT_PRIVATE_KEY": string(e.gh.PrivateKeyPEM),
			"BUMPBOT_WEBHOOK_SECRET": secret, "BUMPBOT_DB": e.dbPath, "BUMPBOT_GITHUB_URL": e.gh.URL,
			"BUMPBOT_POLL_INTERVAL": e.poll, "BUMPBOT_DATABASE_URL": e.databaseURL, "BUMPBOT_AWS_EVENTS_TOKEN": e.awsToken,
			"BUMPBOT_LAYER_POLL_INTERVAL": e.layerPoll, "BUMPBOT_FLEET_TOKEN": e.fleetToken,
			"BUMPBOT_METRICS_ADDR": e.metricsAddr, "BUMPBOT_CLIENT_ID": e.clientID, "BUMPBOT_CLIENT_SECRET": e.clientSecret,
			"BUMPBOT_JOB_TIMEOUT": e.jobTimeout, "BUMPBOT_WRITE_LIMITS": e.writeLimits, "BUMPBOT_WORKERS": e.workers,
		}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := server.New(context.Background(), cfg, server.Options{
		// The planner serve wires: package changelogs read from the zips.
		Planner: reconcile.BumpPlanner{Registry: e.reg, Options: bump.Options{
			Changelog: bump.PackageChangelog{Builder: &changelog.Builder{Registry: e.reg}},
		}},
		Logger: log, PollInterval: 20 * time.Millisecond, ShutdownTimeout: shutdown, Registry: e.reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func (e *env) start(t testing.TB, shutdown time.Duration) *running {
	t.Helper()
	srv := e.newServer(t, shutdown)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() { cancel(); stopErr = <-done })
		return stopErr
	}
	t.Cleanup(func() { stop() })
	return &running{url: "http://" + ln.Addr().String(), stop: stop, srv: srv}
}

func deliver(t testing.TB, url, event, delivery string, payload any) (int, string) {
	t.Helper()
	body, _ := json.Marshal(payload)
	resp, err := http.DefaultClient.Do(ghapptest.NewDelivery(url+"/webhooks/github", []byte(secret), event, delivery, body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

var installationCreated = map[string]any{
	"action":       "created",
	"installation": map[string]any{"id": inst},
	"repositories": []any{map[string]any{"id": 1, "name": "infra", "full_name": repoN}},
}

func pushMainTF(gh *ghapptest.Server) map[string]any {
	return map[string]any{
		"ref": "refs/heads/main", "after": gh.Head(repoN, "main"), "size": 1,
		"installation": map[string]any{"id": inst},
		"repository":   map[string]any{"id": 1, "name": "infra", "full_name": repoN, "default_branch": "main"},
		"commits":      []any{map[string]any{"id": gh.Head(repoN, "main"), "modified": []string{"main.tf"}}},
	}
}

// waitFor polls cond until it holds or 15 s pass.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testtool.Golden(t, filepath.Join("testdata", name), got, *update)
}

func TestMain(m *testing.M) { os.Exit(jobstest.Main(m)) }

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	endToEnd(t, newEnv(t))
}

// The same with the job queue on PostgreSQL: no SQLite file is created.
func TestEndToEndPostgres(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.databaseURL = jobstest.Database(t)
	endToEnd(t, e)
	if _, err := os.Stat(e.dbPath); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("BUMPBOT_DB %s was opened although BUMPBOT_DATABASE_URL is set: %v", e.dbPath, err)
	}
}

// endToEnd installs the app on a repository and checks the pull request,
// a redelivery, a push with nothing new, health, readiness and metrics.
func endToEnd(t *testing.T, e *env) {
	t.Helper()
	srv := e.start(t, 5*time.Second)

	if status, body := deliver(t, srv.url, "installation", "del-1", installationCreated); status != 202 || !strings.Contains(body, "queued") {
		t.Fatalf("installation webhook: %d %s", status, body)
	}
	waitFor(t, "the pull request", func() bool { return len(e.gh.Pulls(repoN)) == 1 })
	pr := e.gh.Pulls(repoN)[0]
	if pr.Title != "Bump mylayer layer from 3 to 5" || pr.Head != "bumpbot/mylayer" || pr.Base != "main" {
		t.Errorf("PR = %+v", pr)
	}
	waitFor(t, "labels", func() bool { return len(e.gh.Pulls(repoN)[0].Labels) == 2 })
	// The fake's address changes each run: links name a fixed host.
	golden(t, "e2e_pr_body.md", []byte(strings.ReplaceAll(pr.Body, strings.TrimSuffix(e.gh.URL, "/"), "https://github.example")))
	got, _ := e.gh.File(repoN, "bumpbot/mylayer", "main.tf")
	golden(t, "e2e_main.tf", got)
	if main, _ := e.gh.File(repoN, "main", "main.tf"); string(main) != mainTF {
		t.Errorf("default branch was modified")
	}

	// A redelivery is acknowledged and not processed again.
	if status, body := deliver(t, srv.url, "installation", "del-1", installationCreated); status != 200 || !strings.Contains(body, "duplicate") {
		t.Errorf("redelivery: %d %s", status, body)
	}

	// A push with nothing new for the bot: a reconcile that writes nothing.
	waitFor(t, "first reconcile to finish", func() bool { return strings.Contains(e.logs.String(), `"msg":"reconciled"`) })
	e.gh.ResetCounts()
	if status, _ := deliver(t, srv.url, "push", "del-2", pushMainTF(e.gh)); status != 202 {
		t.Fatalf("push webhook: %d", status)
	}
	waitFor(t, "second reconcile", func() bool { return strings.Count(e.logs.String(), `"msg":"reconciled"`) >= 2 })
	if c := e.gh.Counts(); c.Writes != 0 || c.RateLimited > 1 {
		t.Errorf("reconcile with nothing new: %d writes, %d charged requests: %v", c.Writes, c.RateLimited, c.ByRoute)
	}
	if n := len(e.gh.Pulls(repoN)); n != 1 {
		t.Errorf("%d pull requests, want 1", n)
	}

	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get(srv.url + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", path, resp, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if path == "/metrics" {
			for _, m := range []string{`bumpbot_webhooks_total{event="installation",outcome="queued"} 1`, `bumpbot_pull_requests_total{action="opened"} 1`,
				`bumpbot_github_rate_limit_remaining{installation_id="7"}`, `bumpbot_jobs{state="completed"}`, `bumpbot_github_requests_total`} {
				if !strings.Contains(string(b), m) {
					t.Errorf("metrics lack %q", m)
				}
			}
		}
	}
	if err := srv.stop(); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	assertNoSecrets(t, e)
}

func assertNoSecrets(t *testing.T, e *env) {
	t.Helper()
	logs := e.logs.String()
	if !strings.Contains(logs, `"delivery_id":"del-1"`) || !strings.Contains(logs, `"installation_id":7`) || !strings.Contains(logs, `"repo":"acme/infra"`) {
		t.Errorf("logs lack the delivery_id / installation_id / repo keys:\n%s", logs)
	}
	secrets := append([]string{secret, "PRIVATE KEY", string(e.gh.PrivateKeyPEM[40:80])}, e.gh.Tokens()...)
	if len(e.gh.Tokens()) == 0 {
		t.Fatal("no token was minted")
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("logs contain a secret (%.12s…)", s)
		}
	}
}

// A job stopped after its commit but before its pull request runs again
// after the restart and opens exactly one pull request.
func TestRestartMidJob(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	blocked := make(chan struct{})
	var once sync.Once
	e.gh.Intercept(func(route string, r *http.Request) bool {
		if route != "POST /repos/{owner}/{repo}/pulls" {
			return false
		}
		first := false
		once.Do(func() { first = true })
		if !first {
			return false
		}
		// Reading the body lets net/http notice the client going away.
		io.Copy(io.Discard, r.Body)
		close(blocked)
		// The process "dies" while this call hangs: the stop cancels
		// the job, which aborts the request.
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
			t.Error("the stop did not cancel the in-flight GitHub call")
		}
		return true
	})
	srv := e.start(t, 200*time.Millisecond)
	if status, _ := deliver(t, srv.url, "installation", "del-1", installationCreated); status != 202 {
		t.Fatalf("webhook: %d", status)
	}
	<-blocked
	defer func() {
		if t.Failed() {
			t.Log(e.logs.String())
		}
	}()
	if heads := e.gh.Branches(repoN); len(heads) != 2 {
		t.Fatalf("branches before the stop = %v, want main and the bot branch", heads)
	}
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(e.gh.Pulls(repoN)); n != 0 {
		t.Fatalf("%d pull requests before the restart", n)
	}

	e.start(t, 5*time.Second)
	waitFor(t, "the pull request after restart", func() bool { return len(e.gh.Pulls(repoN)) == 1 })
	time.Sleep(300 * time.Millisecond) // give a wrong second PR time to appear
	if pulls := e.gh.Pulls(repoN); len(pulls) != 1 {
		t.Errorf("%d pull requests after restart, want 1", len(pulls))
	}
	if got, _ := e.gh.File(repoN, "bumpbot/mylayer", "main.tf"); !bytes.Contains(got, []byte("mylayer:5")) {
		t.Errorf("bot branch holds %s", got)
	}
}

func TestServeRefusesWithoutSecret(t *testing.T) {
	t.Parallel()
	_, err := server.LoadConfig("", func(k string) string {
		return map[string]string{"BUMPBOT_APP_ID": "1", "BUMPBOT_PRIVATE_KEY": "x"}[k]
	})
	if err == nil || !strings.Contains(err.Error(), "BUMPBOT_WEBHOOK_SECRET") {
		t.Errorf("LoadConfig without a secret: %v", err)
	}
}
