package server_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
)

// BenchmarkPolicyChange measures what a security policy change costs
// over a fleet: 1,000 repositories (BUMPBOT_BENCH_REPOS), each pinning
// mylayer 3 with an open bump pull request to 5 and its bumpbot/policy
// check. Each iteration pushes a new policy (version 5 withdrawn, a new
// reason each time) to the org's .github repository and waits until every
// job has ended: the fan-out, each repository's reconcile (its pull
// request moved to 4 as a security pull request) and the check of each
// new head. Reported: the GitHub requests charged to the rate limit and
// the writes, per policy change, and the wall time (ns/op).
func BenchmarkPolicyChange(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("BUMPBOT_BENCH_REPOS")); err == nil && v > 0 {
		n = v
	}
	gh := ghapptest.New(b, appID)
	root := b.TempDir()
	reconciletest.Publish(b, root, "us-east-1", account, "mylayer", 3, 4, 5)
	reg, err := layers.OpenDir(root)
	if err != nil {
		b.Fatal(err)
	}
	const id = inst + 8
	gh.CreateRepo(b, "acme/.github", "main", map[string]string{"bumpbot-policy.yml": "version: 1\nrules:\n  - {layer: mylayer, deny: [1]}\n"})
	names := []string{"acme/.github"}
	for i := range n {
		name := fmt.Sprintf("acme/r%04d", i)
		gh.CreateRepo(b, name, "main", map[string]string{"main.tf": mainTF})
		names = append(names, name)
	}
	gh.AddInstallation(id, names...)
	e := &env{gh: gh, dbPath: filepath.Join(b.TempDir(), "bumpbot.db"), reg: reg, logs: &syncBuffer{}, poll: "0", layerPoll: "0"}
	srv := e.start(b, 30*time.Second)
	db, err := sql.Open("sqlite", "file:"+e.dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	idle := func(what string) {
		deadline := time.Now().Add(10 * time.Minute)
		for {
			var active int
			if err := db.QueryRow(`SELECT count(*) FROM river_job WHERE state IN ('available', 'running', 'retryable', 'scheduled', 'pending')`).Scan(&active); err != nil {
				b.Fatal(err)
			}
			if active == 0 {
				return
			}
			if time.Now().After(deadline) {
				b.Fatalf("%s: %d jobs still active after 10 minutes", what, active)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	install(b, srv.url, "del-bench-install", id, names...)
	idle("the installation")
	for _, r := range names[1:] {
		if len(gh.Pulls(r)) != 1 {
			b.Fatalf("%s has no pull request after the installation", r)
		}
	}
	var total ghapptest.Counts
	b.ResetTimer()
	for i := range b.N {
		gh.ResetCounts()
		pushPolicy(b, gh, srv.url, fmt.Sprintf("del-bench-%d", i), id,
			fmt.Sprintf("version: 1\nrules:\n  - {layer: mylayer, deny: [5], reason: \"change %d\"}\nsecurity-pr: {labels: [security]}\n", i))
		idle("the policy change")
		c := gh.Counts()
		total.RateLimited += c.RateLimited
		total.Writes += c.Writes
		total.Total += c.Total
	}
	b.StopTimer()
	for _, r := range names[1:] {
		if p := gh.Pulls(r)[0]; p.Title != "Bump mylayer layer from 3 to 4" {
			b.Fatalf("%s: %q after the policy change", r, p.Title)
		}
	}
	b.ReportMetric(float64(total.RateLimited)/float64(b.N), "requests/op")
	b.ReportMetric(float64(total.Writes)/float64(b.N), "writes/op")
	b.ReportMetric(float64(n), "repos")
}
