package ghapp_test

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"testing"

	"github.com/bumpbot/bumpbot/internal/ghapp"
	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
)

// soakReconciles is how many reconciles BenchmarkSoakMemory runs, and
// TestSoakMemoryBounded when set (it runs 1,000 by default, two passes
// over the fleet, and 500 with -short: each client rebuilt signs two
// JWTs, which -race makes slow).
var soakReconciles = flag.Int("soak", 0, "reconciles of the soak (default: 10,000 in the benchmark, 1,000 in the test)")

// The soak's fleet: 500 repositories of 200 files, 5 per installation.
const (
	soakRepos        = 500
	soakPerInst      = 5
	soakFiles        = 200
	soakMarginBytes  = 4 << 20 // clients, tokens, the fake's bookkeeping, GC slack
	soakCacheBytes   = 1 << 20
	soakTreeBytes    = 1 << 20
	soakClients      = 20
	soakInstallation = 1000 // id of the first installation
)

// soakConfig bounds the caches well below what the fleet would fill.
var soakConfig = ghapp.Config{HTTPCacheBytes: soakCacheBytes, TreeCacheBytes: soakTreeBytes, MaxClients: soakClients}

// soak builds the fleet on a fake GitHub, then runs n reconciles' worth of
// GitHub reads (client, repository, snapshot, pull request listing: the
// conditional GETs a reconcile of an unchanged repository makes), visiting
// the repositories in turn as the poll does. It returns the live heap
// before the first and after the last reconcile.
func soak(tb testing.TB, n int, cfg ghapp.Config) (before, after uint64) {
	tb.Helper()
	gh := ghapptest.New(tb, appID)
	files := map[string]string{}
	for f := range soakFiles {
		files[fmt.Sprintf("modules/m%03d/main.tf", f)] = fmt.Sprintf("# module %d\n", f)
	}
	name := func(i int) (int64, string) {
		inst := int64(soakInstallation + i/soakPerInst)
		return inst, fmt.Sprintf("org%d/repo-%d", inst, i)
	}
	for i := range soakRepos {
		inst, repo := name(i)
		gh.CreateRepo(tb, repo, "main", files)
		gh.AddInstallation(inst, repo)
	}
	app := newApp(tb, gh, cfg)
	ctx := context.Background()
	before = liveHeap()
	for k := range n {
		inst, repo := name(k % soakRepos)
		c, err := app.Client(inst)
		if err != nil {
			tb.Fatal(err)
		}
		r, err := c.Repo(repo)
		if err != nil {
			tb.Fatal(err)
		}
		snap, err := r.Snapshot(ctx)
		if err != nil {
			tb.Fatalf("reconcile %d of %s: %v", k, repo, err)
		}
		if len(snap.Entries) != soakFiles {
			tb.Fatalf("reconcile %d of %s: %d files, want %d", k, repo, len(snap.Entries), soakFiles)
		}
		if _, err := r.OpenChanges(ctx); err != nil {
			tb.Fatalf("reconcile %d of %s: %v", k, repo, err)
		}
	}
	after = liveHeap()
	runtime.KeepAlive(app)
	runtime.KeepAlive(gh)
	return before, after
}

// liveHeap returns the bytes of live heap objects after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A long-running server's memory stays within its caches' bounds however
// many repositories and installations it meets: the heap after thousands
// of reconciles over 500 repositories and 100 installations grows by at
// most the caches' caps and a margin, where unbounded caches keep every
// tree and every answer of every repository (over 20 MB here).
func TestSoakMemoryBounded(t *testing.T) {
	n := 1000
	switch {
	case *soakReconciles > 0:
		n = *soakReconciles
	case testing.Short():
		n = 500
	}
	before, after := soak(t, n, soakConfig)
	growth := int64(after) - int64(before)
	bound := int64(soakCacheBytes + soakTreeBytes + soakMarginBytes)
	t.Logf("%d reconciles: live heap %.1f MB before, %.1f MB after (growth %.1f MB, bound %.1f MB)",
		n, mb(before), mb(after), float64(growth)/(1<<20), float64(bound)/(1<<20))
	if growth > bound {
		t.Errorf("live heap grew by %d bytes over %d reconciles; want at most %d (HTTP cache %d + tree cache %d + margin %d)",
			growth, n, bound, soakCacheBytes, soakTreeBytes, soakMarginBytes)
	}
}

// BenchmarkSoakMemory reports the live heap growth of the soak, with the
// test's small caps and with the defaults (which the fleet does not fill:
// the growth is then what unbounded caches would keep).
//
//	go test -run XXX -bench SoakMemory -benchtime 1x ./internal/ghapp/
func BenchmarkSoakMemory(b *testing.B) {
	for _, bc := range []struct {
		name string
		cfg  ghapp.Config
	}{{"small-caps", soakConfig}, {"defaults", ghapp.Config{}}} {
		b.Run(bc.name, func(b *testing.B) {
			n := *soakReconciles
			if n <= 0 {
				n = 10000
			}
			var before, after uint64
			for b.Loop() {
				before, after = soak(b, n, bc.cfg)
			}
			b.ReportMetric(mb(before), "MB-heap-before")
			b.ReportMetric(mb(after), "MB-heap-after")
			b.ReportMetric(mb(after)-mb(before), "MB-heap-growth")
		})
	}
}

func mb(n uint64) float64 { return float64(n) / (1 << 20) }
