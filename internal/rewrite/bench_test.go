package rewrite

import (
	"os"
	"sync"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/monorepo"
)

var (
	benchTreeOnce sync.Once
	benchTree     string
	benchStats    monorepo.Stats
	benchErr      error
)

// TestMain removes the generated benchmark tree, shared by every -count
// run of the benchmark, once all tests and benchmarks are done.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchTree != "" {
		os.RemoveAll(benchTree)
	}
	os.Exit(code)
}

// BenchmarkScanMonorepo scans the synthetic monorepo (about 20,000 files,
// 200 MB, 2% IaC). Set BUMPBOT_BENCH_TREE to reuse a generated tree (see
// scripts/bench-scan.sh, which also times ripgrep on the same tree).
func BenchmarkScanMonorepo(b *testing.B) {
	dir := os.Getenv("BUMPBOT_BENCH_TREE")
	if dir == "" {
		benchTreeOnce.Do(func() {
			benchTree, benchErr = os.MkdirTemp("", "bumpbot-monorepo-")
			if benchErr == nil {
				benchStats, benchErr = monorepo.Generate(benchTree, monorepo.Default)
			}
		})
		if benchErr != nil {
			b.Fatal(benchErr)
		}
		dir = benchTree
	}
	b.ReportAllocs()
	b.ResetTimer()
	var refs int
	for i := 0; i < b.N; i++ {
		res, err := ScanPath(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		refs = len(res.Refs)
	}
	b.ReportMetric(float64(refs), "refs")
}
