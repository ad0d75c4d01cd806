package terraform

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

func benchModule(tb testing.TB) []ref.File {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "bench", "*.tf"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("bench module: %v", err)
	}
	var files []ref.File
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, ref.File{Path: filepath.Base(p), Src: src})
	}
	return files
}

// TestBenchModule pins what the benchmark module holds, so the benchmark
// measures a scan that finds what it should.
func TestBenchModule(t *testing.T) {
	t.Parallel()
	refs, warns := ScanModule(benchModule(t))
	if len(warns) > 0 {
		t.Fatal(warns)
	}
	want := map[string]int{
		"AWSLambdaPowertoolsPythonV2":      46,
		"Datadog-Extension":                65,
		"LambdaInsightsExtension":          38,
		"Klayers-p312-requests":            9,
		"aws-otel-python-arm64-ver-1-25-0": 1,
	}
	if len(refs) != len(want) {
		for _, r := range refs {
			t.Logf("%s", describe(r))
		}
		t.Fatalf("got %d references, want %d", len(refs), len(want))
	}
	for _, r := range refs {
		if v, ok := want[r.Layer]; !ok || r.Version == nil || *r.Version != v || r.VersionAt == nil {
			t.Errorf("unexpected %s", describe(r))
		}
		if r.Function == nil || r.Function.Runtime != "python3.12" {
			t.Errorf("%s: consuming function not known", describe(r))
		}
	}
}

func BenchmarkScanModule(b *testing.B) {
	files := benchModule(b)
	size := 0
	for _, f := range files {
		size += len(f.Src)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		ScanModule(files)
	}
}
