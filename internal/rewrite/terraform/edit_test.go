package terraform

import (
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref/reftest"
)

// TestEditRoundtrip bumps each located version of every scan case by one
// and scans again: the same references come back with only that version
// changed, and no byte but the digits differs.
func TestEditRoundtrip(t *testing.T) {
	t.Parallel()
	for _, tc := range scanCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files := parseArchive(tc.archive)
			if _, warns := ScanModule(files); len(warns) > 0 {
				t.Fatalf("warnings: %v", warns)
			}
			reftest.BumpEachAndRescan(t, ScanModule, files, reftest.Options{})
		})
	}
}

// FuzzScanModule scans arbitrary modules (a txtar archive of files, or
// one main.tf): no panic; every version_at holds exactly the decimal
// version; rewriting it (same length, so nothing else moves) rescans to
// the same references with only that version changed.
func FuzzScanModule(f *testing.F) {
	for _, tc := range scanCases {
		f.Add(tc.archive)
	}
	f.Add(`locals { a = "arn:aws:lambda:us-east-1:123456789012:layer:x:${local.a}" }`)
	f.Add(`{"locals": {"v": 3, "a": "arn:aws:lambda:us-east-1:123456789012:layer:x:${local.v}"}}`)
	f.Fuzz(func(t *testing.T, archive string) {
		files := parseArchive(archive)
		if len(txtar.Parse([]byte(archive)).Files) == 0 {
			files = []ref.File{{Path: "main.tf", Src: []byte(archive)}}
		}
		reftest.BumpEachAndRescan(t, ScanModule, files, reftest.Options{To: reftest.SameLength})
	})
}
