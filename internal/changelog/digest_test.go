package changelog

import (
	"context"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// TestBuildFullDownloadMismatch: when the content server ignores Range and
// sends bytes that are not the version's CodeSha256, the changelog says so
// instead of listing someone else's packages, and nothing is cached under
// that digest: once the server is right, the version is read again.
func TestBuildFullDownloadMismatch(t *testing.T) {
	t.Parallel()
	srv := layerziptest.New(t)
	srv.IgnoreRanges(true)
	reg := &liveRegistry{srv: srv, zips: map[int][]byte{3: txtarZip(t, "python-1.txtar"), 5: txtarZip(t, "python-2.txtar")}, describes: map[int]int{}}
	srv.Put("3", reg.zips[5]) // the wrong object behind version 3's URL
	srv.Put("5", reg.zips[5])
	b := &Builder{Registry: reg, Cache: &Cache{Dir: t.TempDir()}}
	c, err := b.Build(context.Background(), arn(t, 3), arn(t, 5))
	if err != nil {
		t.Fatal(err)
	}
	md := c.Markdown()
	if !strings.Contains(md, "version 3: layer zip not inventoried: the download (SHA-256 ") || !strings.Contains(md, "does not match its CodeSha256") {
		t.Errorf("markdown lacks the mismatch note:\n%s", md)
	}
	if len(c.Packages) != 0 {
		t.Errorf("packages %+v: a side that is not the layer must not be diffed", c.Packages)
	}
	srv.Put("3", reg.zips[3])
	srv.Reset()
	again, err := b.Build(context.Background(), arn(t, 3), arn(t, 5))
	if err != nil {
		t.Fatal(err)
	}
	if reqs, _ := srv.Stats(); reqs != 1 {
		t.Errorf("%d requests, want 1: version 3 read again, version 5 from the cache", reqs)
	}
	if strings.Contains(again.Markdown(), "CodeSha256") || len(again.Packages) == 0 {
		t.Errorf("second changelog still carries the mismatch:\n%s", again.Markdown())
	}
}
