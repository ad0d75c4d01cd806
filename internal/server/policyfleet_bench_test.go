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
// check. Each iteration pushes a new policy (a new reason each time) to
// the org's .github repository and waits until every job has ended: the
// fan-out, each repository's reconcile and the check of each pull
// request's head. no-effect changes a rule no pin breaks; moves-pull-
// requests withdraws version 5, then 4, then 5…, so every pull request
// moves each time. Reported: the GitHub requests charged to the
// rate limit and the writes per policy change, and the wall time (ns/op).
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
	// First a change that concerns no pin (each repository is
	// reconciled and each pull request's head checked again, nothing
	// else moves), then one that moves every pull request.
	seq := 0 // a new delivery and policy each time, over every run
	change := func(name string, rule func(seq int) string, check func(seq int)) {
		b.Run(name, func(b *testing.B) {
			var total ghapptest.Counts
			for range b.N {
				seq++
				gh.ResetCounts()
				pushPolicy(b, gh, srv.url, fmt.Sprintf("del-bench-%d", seq), id,
					fmt.Sprintf("version: 1\nrules:\n  - {layer: mylayer, %s, reason: \"change %d\"}\nsecurity-pr: {labels: [security]}\n", rule(seq), seq))
				idle("the policy change")
				c := gh.Counts()
				total.RateLimited += c.RateLimited
				total.Writes += c.Writes
			}
			b.StopTimer()
			check(seq)
			b.ReportMetric(float64(total.RateLimited)/float64(b.N), "requests/op")
			b.ReportMetric(float64(total.Writes)/float64(b.N), "writes/op")
			b.ReportMetric(float64(n), "repos")
		})
	}
	titles := func(want func(seq int) string) func(int) {
		return func(seq int) {
			for _, r := range names[1:] {
				if p := gh.Pulls(r)[0]; p.Title != want(seq) {
					b.Fatalf("%s: %q after the policy change", r, p.Title)
				}
			}
		}
	}
	change("no-effect", func(int) string { return "deny: [1]" }, titles(func(int) string { return "Bump mylayer layer from 3 to 5" }))
	// Withdrawing 5 and 4 in turn moves every pull request each time.
	change("moves-pull-requests", func(seq int) string { return fmt.Sprintf("deny: [%d]", 4+seq%2) },
		titles(func(seq int) string { return fmt.Sprintf("Bump mylayer layer from 3 to %d", 5-seq%2) }))
}
