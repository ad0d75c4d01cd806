//go:build unix

package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/ghstore"
	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/jobs/jobstest"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// fanOutCase is one fan-out run: a publish event for a layer that repos
// repositories of one installation pin, GitHub enforcing limits (both
// sides use the same) with latency per request, the server killed
// (SIGKILL) once killAt pull requests exist and started again.
type fanOutCase struct {
	repos, killAt int
	limits        string
	latency       time.Duration
	postgres      bool
	workers       int
}

// fanOutFigures is what a run measured.
type fanOutFigures struct {
	wall                  time.Duration
	writes, requests, prs int
	secondary             int
	floor                 time.Duration
	rssKB                 [2]int64 // peak RSS of each process, from /proc
}

// A publish event for a layer 30 repositories pin opens exactly 30 pull
// requests, with GitHub enforcing write limits, although the server is
// killed midway: no write of the new process breaks a window the old one
// filled (the pacer's record is in the database), every write went
// through it, and none got a secondary-limit answer.
func TestFanOutSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bumpbot binary")
	}
	bin := buildBumpbot(t)
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			fanOut(t, bin, fanOutCase{repos: 30, killAt: 10, limits: "20/1s,40/3s", latency: 2 * time.Millisecond, postgres: pg, workers: 4})
		})
	}
}

// TestFanOutBenchmark is the full fan-out of scripts/fanout.sh: set
// BUMPBOT_FANOUT_REPOS (1000) and BUMPBOT_FANOUT_DB (sqlite or postgres).
// It measures, and asserts only what TestFanOutSurvivesKill asserts.
func TestFanOutBenchmark(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("BUMPBOT_FANOUT_REPOS"))
	if n <= 0 {
		t.Skip("set BUMPBOT_FANOUT_REPOS (scripts/fanout.sh) to run the fan-out benchmark")
	}
	c := fanOutCase{repos: n, killAt: n / 2, limits: "80/1s,500/6s", latency: 5 * time.Millisecond,
		postgres: os.Getenv("BUMPBOT_FANOUT_DB") == "postgres", workers: 8}
	f := fanOut(t, buildBumpbot(t), c)
	t.Logf("FANOUT db=%s repos=%d prs=%d wall=%.1fs floor=%.1fs ratio=%.2f writes=%d requests=%d requests/pr=%.1f secondary=%d peak_rss_mb=%.1f,%.1f",
		map[bool]string{false: "sqlite", true: "postgres"}[c.postgres], c.repos, f.prs, f.wall.Seconds(), f.floor.Seconds(),
		f.wall.Seconds()/f.floor.Seconds(), f.writes, f.requests, float64(f.requests)/float64(f.prs), f.secondary,
		float64(f.rssKB[0])/1024, float64(f.rssKB[1])/1024)
}

func fanOut(t *testing.T, bin string, c fanOutCase) fanOutFigures {
	t.Helper()
	gh := ghapptest.New(t, serveApp)
	names := make([]string, c.repos)
	for i := range names {
		names[i] = fmt.Sprintf("acme/r%04d", i)
		gh.CreateRepo(t, names[i], "main", map[string]string{"main.tf": crashTF})
	}
	gh.AddInstallation(crashInst, names...)
	registry := t.TempDir()
	reconciletest.Publish(t, registry, "us-east-1", "123456789012", "mylayer", 3, 4)
	dbPath := filepath.Join(t.TempDir(), "bumpbot.db")
	e := &serveEnv{bin: bin, gh: gh, args: []string{"--registry", "dir:" + registry},
		env: []string{"BUMPBOT_DB=" + dbPath, "BUMPBOT_POLL_INTERVAL=0"}}
	env := []string{"BUMPBOT_WRITE_LIMITS=" + c.limits, "BUMPBOT_AWS_EVENTS_TOKEN=fanout-token",
		"BUMPBOT_WORKERS=" + strconv.Itoa(c.workers), "BUMPBOT_LAYER_POLL_INTERVAL=0"}
	var dbURL string
	if c.postgres {
		dbURL = jobstest.Database(t)
		// No process owns a PostgreSQL queue: the killed process's
		// running jobs are rescued after BUMPBOT_RESCUE_AFTER, short here.
		env = append(env, "BUMPBOT_DATABASE_URL="+dbURL, "BUMPBOT_JOB_TIMEOUT=10s", "BUMPBOT_RESCUE_AFTER=12s")
	}
	db := indexPins(t, dbPath, dbURL, names)

	limits, err := ghstore.ParseLimits(c.limits)
	if err != nil {
		t.Fatal(err)
	}
	var enforced []ghapptest.WriteLimit
	for _, w := range limits {
		enforced = append(enforced, ghapptest.WriteLimit{N: w.N, Per: w.Per})
	}
	gh.SetWriteLimits(enforced...)
	gh.SetLatency(c.latency)
	p := e.start(t, env...)
	gh.ResetCounts()
	start := time.Now()
	postPublish(t, p.url)

	var f fanOutFigures
	// Progress is read from the fake's counter of pull requests created
	// (cheap); the pull requests themselves are checked at the end.
	opened := func() int { return gh.Counts().ByRoute["POST /repos/{owner}/{repo}/pulls"] }
	waitUntil(t, 10*time.Minute, fmt.Sprintf("%d pull requests before the kill", c.killAt), func() bool { return opened() >= c.killAt })
	m := scrape(t, p.url)
	for _, want := range []string{`bumpbot_reconciles_pending{installation_id="7"}`, `bumpbot_drain_seconds{installation_id="7"}`, `bumpbot_github_writes_total{installation_id="7"}`} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	f.rssKB[0] = peakRSS(t, p.cmd.Process.Pid)
	p.kill(t)
	before := paced(t, db)

	p = e.start(t, env...)
	waitUntil(t, 10*time.Minute, fmt.Sprintf("%d pull requests", c.repos), func() bool { return opened() >= c.repos })
	f.wall = time.Since(start)
	// Jobs the kill interrupted run again; none may open a second pull
	// request.
	waitUntil(t, time.Minute, "the queue to drain", func() bool {
		return strings.Contains(scrape(t, p.url), `bumpbot_reconciles_pending{installation_id="7"} 0`)
	})
	f.rssKB[1] = peakRSS(t, p.cmd.Process.Pid)
	for _, r := range names {
		n := len(gh.Pulls(r))
		if n != 1 {
			t.Errorf("%s has %d pull requests, want 1", r, n)
		}
		f.prs += n
	}
	counts := gh.Counts()
	f.writes, f.requests, f.secondary = counts.Writes, counts.Total, counts.SecondaryLimited
	f.floor = time.Duration(float64(f.writes) / limits.Rate() * float64(time.Second))
	if f.secondary != 0 {
		t.Errorf("%d secondary-limit answers, want 0", f.secondary)
	}
	after := paced(t, db)
	if before == 0 || after != int64(counts.Writes) {
		t.Errorf("the pacer recorded %d writes before the kill and %d in all; GitHub saw %d: every write goes through the pacer's record", before, after, counts.Writes)
	}
	return f
}

// indexPins records in the layer index that every repository pins
// mylayer:3 in main.tf, as their first reconcile would, and returns the
// database for the test's own reads.
func indexPins(t *testing.T, sqlitePath, dbURL string, names []string) *sql.DB {
	t.Helper()
	ctx := context.Background()
	var db *sql.DB
	var err error
	if dbURL != "" {
		db, err = jobs.OpenPostgres(ctx, dbURL, 4)
	} else {
		db, err = jobs.Open(ctx, sqlitePath)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	state, err := repostate.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	v := 3
	for _, n := range names {
		r := ref.Reference{Partition: "aws", Region: "us-east-1", Account: "123456789012", Layer: "mylayer", Version: &v}
		r.File, r.Line = "main.tf", 3
		if err := state.ReplacePins(ctx, crashInst, n, []ref.Reference{r}); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func postPublish(t *testing.T, url string) {
	t.Helper()
	body := `{"version":"0","id":"fanout-1","detail-type":"AWS API Call via CloudTrail","source":"aws.lambda",
"account":"123456789012","region":"us-east-1","detail":{"eventName":"PublishLayerVersion20181031","awsRegion":"us-east-1",
"requestParameters":{"layerName":"mylayer"},"responseElements":{"layerVersionArn":"arn:aws:lambda:us-east-1:123456789012:layer:mylayer:4","version":4}}}`
	req, _ := http.NewRequest(http.MethodPost, url+"/webhooks/aws", strings.NewReader(body))
	req.Header.Set("X-Bumpbot-Token", "fanout-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("publish event: %d %s", resp.StatusCode, b)
	}
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// paced returns the writes the pacer recorded for the installation.
func paced(t *testing.T, db *sql.DB) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(`SELECT writes FROM bumpbot_write_pace WHERE installation_id = $1`, crashInst).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// peakRSS reads a process's peak resident set (VmHWM, KiB) from /proc.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
