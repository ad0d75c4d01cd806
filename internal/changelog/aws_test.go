package changelog

import (
	"archive/zip"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// thirdParty is a public layer of another account, read by AKIDOTHER.
const thirdParty = "arn:aws:lambda:us-east-1:222222222222:layer:deps"

// awsFixture serves versions 3 and 5 of thirdParty from the fake Lambda
// endpoint, their Content.Location pointing at a content server that
// honours Range, counts bytes and expires URLs as S3 does.
type awsFixture struct {
	lambda   *layerstest.Server
	content  *layerziptest.Server
	reg      layers.Registry
	from, to layerarn.ARN
}

func newAWSFixture(tb testing.TB, fromZip, toZip []byte) *awsFixture {
	f := &awsFixture{lambda: layerstest.New(tb), content: layerziptest.New(tb)}
	f.lambda.AddCaller("AKIDOTHER", "333333333333")
	for v, z := range map[int][]byte{3: fromZip, 5: toZip} {
		f.lambda.Publish(fmt.Sprintf("%s:%d", thirdParty, v), layerstest.Meta{Zip: z, Runtimes: []string{"python3.12"}})
		f.content.Put(fmt.Sprint(v), z)
	}
	f.lambda.SetPublic(thirdParty, true)
	// Each GetLayerVersion presigns anew: a URL issued after Expire works.
	f.lambda.SetLocation(func(versionARN string) string {
		return f.content.URLFor(versionARN[strings.LastIndexByte(versionARN, ':')+1:])
	})
	f.reg = f.lambda.OpenRegistry(tb, "AKIDOTHER", layers.RegistryOptions{})
	var err error
	if f.from, err = layerarn.Parse(thirdParty + ":3"); err == nil {
		f.to, err = layerarn.Parse(thirdParty + ":5")
	}
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// TestBuildThroughAWS builds a changelog of a third-party layer through
// OpenRegistry and the real lambda.Client, then again from the inventory
// cache.
func TestBuildThroughAWS(t *testing.T) {
	t.Parallel()
	f := newAWSFixture(t, txtarZip(t, "python-1.txtar"), txtarZip(t, "python-2.txtar"))
	b := &Builder{Registry: f.reg, Cache: &Cache{Dir: t.TempDir()}}
	c, err := b.Build(context.Background(), f.from, f.to)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Summary(); got != "1 upgraded, 1 downgraded, 1 changed, 2 added, 1 removed" {
		t.Errorf("summary %q", got)
	}
	if unread(c) {
		t.Errorf("notes %q: a side was not read", c.Notes)
	}
	reqs, sent := f.content.Stats()
	if c.BytesRead != sent || sent == 0 {
		t.Errorf("bytes_read %d, content server sent %d", c.BytesRead, sent)
	}
	for _, r := range f.content.Ranges() {
		if !strings.HasPrefix(r, "bytes=") {
			t.Errorf("request without a Range header: %q", r)
		}
	}
	t.Logf("first build: %d bytes in %d requests", sent, reqs)

	f.content.Reset()
	again, err := b.Build(context.Background(), f.from, f.to)
	if err != nil {
		t.Fatal(err)
	}
	if reqs, sent := f.content.Stats(); again.BytesRead != 0 || reqs != 0 || sent != 0 {
		t.Errorf("second build: bytes_read %d, content server %d requests / %d bytes; want 0: the cache holds both sides", again.BytesRead, reqs, sent)
	}
	if again.Markdown() != c.Markdown() {
		t.Errorf("cached changelog renders differently")
	}
}

// unread reports whether the content of a side could not be read.
func unread(c *Changelog) bool {
	for _, n := range c.Notes {
		if strings.Contains(n, "could not read the layer content") {
			return true
		}
	}
	return false
}

// hideRefresher leaves a registry only its Registry methods, as a registry
// without DescribeFresh would be.
type hideRefresher struct{ layers.Registry }

// TestBuildRefreshesExpiredLocation: the cache decorator holds Locations
// that have expired at the content server. The reader's refresh must get
// a fresh one with exactly one GetLayerVersion per version; with only the
// cached Describe it gets the same expired URL back and fails.
func TestBuildRefreshesExpiredLocation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		hide       bool
		wantGets   int
		wantUnread bool
	}{
		{name: "fresh location", wantGets: 2},
		{name: "cached location handed out again", hide: true, wantGets: 0, wantUnread: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newAWSFixture(t, txtarZip(t, "python-1.txtar"), txtarZip(t, "python-2.txtar"))
			ctx := context.Background()
			for _, a := range []layerarn.ARN{f.from, f.to} {
				if _, err := f.reg.Describe(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			f.content.Expire()
			f.lambda.ResetCalls()
			reg := f.reg
			if tt.hide {
				reg = hideRefresher{reg}
			}
			c, err := (&Builder{Registry: reg}).Build(ctx, f.from, f.to)
			if err != nil {
				t.Fatal(err)
			}
			if n := f.lambda.Calls(layerstest.OpGet); n != tt.wantGets {
				t.Errorf("GetLayerVersion calls = %d, want %d", n, tt.wantGets)
			}
			if unread(c) != tt.wantUnread {
				t.Errorf("notes %q, want a side unread: %v", c.Notes, tt.wantUnread)
			}
			if !tt.wantUnread && len(c.Packages) != 6 {
				t.Errorf("%d package changes, want 6", len(c.Packages))
			}
		})
	}
}

// bigPythonLayer is the python fixture with one stored native library of
// size bytes in the middle, the bulk a reader must skip.
func bigPythonLayer(tb testing.TB, fixture string, size int, seed uint64) []byte {
	entries := layerziptest.LoadTxtar(tb, filepath.Join("testdata", fixture))
	mid := len(entries) / 2
	big := layerziptest.Entry{Name: "lib/libbig.so", Data: layerziptest.RandomBytes(size, seed)}
	entries = append(entries[:mid:mid], append([]layerziptest.Entry{big}, entries[mid:]...)...)
	return layerziptest.BuildZip(tb, entries, layerziptest.Shape{Method: zip.Store})
}

// BenchmarkChangelogAWS builds the changelog of a 40 MB layer pair through
// the real SDK and the fake endpoint, without the inventory cache, and
// reports the share of the zips fetched, the content requests per version
// and the peak heap.
func BenchmarkChangelogAWS(b *testing.B) {
	fromZip := bigPythonLayer(b, "python-1.txtar", 40<<20, 1)
	toZip := bigPythonLayer(b, "python-2.txtar", 40<<20, 2)
	total := int64(len(fromZip) + len(toZip))
	f := newAWSFixture(b, fromZip, toZip)
	// Locations are cached for nine minutes; nothing expires here.
	bld := &Builder{Registry: f.reg}
	var peak uint64
	for b.Loop() {
		f.content.Reset()
		p := layerziptest.HeapPeak(func() {
			c, err := bld.Build(context.Background(), f.from, f.to)
			if err != nil || len(c.Packages) != 7 || unread(c) { // the 6 of the fixtures and libbig.so
				b.Fatalf("Build: %v, %d changes, notes %q", err, len(c.Packages), c.Notes)
			}
		})
		peak = max(peak, p)
	}
	reqs, sent := f.content.Stats()
	b.ReportMetric(100*float64(sent)/float64(total), "%fetched")
	b.ReportMetric(float64(reqs)/2, "requests/version")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
