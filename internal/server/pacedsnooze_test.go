package server_test

import (
	"database/sql"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
)

// A reconcile whose next write slot lies beyond its job timeout is
// snoozed until about then, never failed: with a 3 s job timeout (room
// for the reads of a loaded test machine) and an installation allowed 6
// writes per 8 s (a pull request costs 5), every repository still gets
// its pull request, no job records an error or spends a second attempt,
// no write is wasted on a change made twice, GitHub answers no write with
// a secondary limit, and /metrics counts the snoozes.
func TestPacedReconcileSnoozes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.jobTimeout, e.writeLimits, e.workers = "3s", "6/8s", "4"
	e.metricsAddr = "127.0.0.1:0"
	repos := []string{repoN, "acme/two", "acme/three"}
	for _, r := range repos[1:] {
		e.gh.CreateRepo(t, r, "main", map[string]string{"main.tf": mainTF})
	}
	e.gh.AddInstallation(inst, repos...)
	e.gh.SetWriteLimits(ghapptest.WriteLimit{N: 6, Per: 8 * time.Second})
	srv := e.start(t, 5*time.Second)
	install(t, srv.url, "del-paced", inst, repos...)

	db, err := sql.Open("sqlite", "file:"+e.dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(90 * time.Second)
	for {
		var left int
		if err := db.QueryRow(`SELECT count(*) FROM river_job WHERE kind = 'bumpbot_reconcile_repo' AND state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d reconcile jobs still unfinished after 90 s", left)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, r := range repos {
		if n := len(e.gh.Pulls(r)); n != 1 {
			t.Errorf("%s: %d pull requests, want 1", r, n)
		}
	}
	rows, err := db.Query(`SELECT args, state, attempt, COALESCE(json(errors), '') FROM river_job WHERE kind = 'bumpbot_reconcile_repo'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var args, state, errs string
		var attempt int
		if err := rows.Scan(&args, &state, &attempt, &errs); err != nil {
			t.Fatal(err)
		}
		if state != "completed" || attempt != 1 || (errs != "" && errs != "null" && errs != "[]") {
			t.Errorf("job %s: state %s, attempt %d, errors %s; want completed on attempt 1 without errors", args, state, attempt, errs)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	c := e.gh.Counts()
	if c.SecondaryLimited != 0 {
		t.Errorf("%d secondary-limit answers, want 0", c.SecondaryLimited)
	}
	// A tree, a commit, a branch, the pull request and its labels each:
	// no reconcile stopped halfway and wrote its change twice.
	if c.Writes != 5*len(repos) || c.ByRoute["POST /repos/{owner}/{repo}/issues/{number}/labels"] != len(repos) {
		t.Errorf("%d writes, %d of labels; want %d and %d", c.Writes, c.ByRoute["POST /repos/{owner}/{repo}/issues/{number}/labels"], 5*len(repos), len(repos))
	}
	resp, err := http.Get("http://" + srv.srv.MetricsAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`(?m)^bumpbot_reconcile_paced_total (\d+)`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("/metrics has no bumpbot_reconcile_paced_total")
	}
	if n, _ := strconv.Atoi(string(m[1])); n == 0 {
		t.Errorf("bumpbot_reconcile_paced_total = 0, want the snoozes counted")
	}
}
