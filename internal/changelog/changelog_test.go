package changelog

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/bumpbot/bumpbot/internal/advisory"
	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
	"github.com/bumpbot/bumpbot/internal/testtool"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func arn(t testing.TB, v int) layerarn.ARN {
	t.Helper()
	a, err := layerarn.Parse(fmt.Sprintf("arn:aws:lambda:us-east-1:123456789012:layer:deps:%d", v))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// publish writes a version into a directory registry (layers.Dir layout).
func publish(t testing.TB, root string, v int, zipBytes []byte, meta string) {
	t.Helper()
	dir := filepath.Join(root, "aws", "us-east-1", "123456789012", "deps")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.zip", v)), zipBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	if meta != "" {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.json", v)), []byte(meta), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func txtarZip(t testing.TB, name string) []byte {
	return layerziptest.BuildZip(t, layerziptest.LoadTxtar(t, filepath.Join("testdata", name)), layerziptest.Shape{Method: zip.Deflate})
}

// nodeLayer is a layer of n packages at one version.
func nodeLayer(t testing.TB, n int, version string) []byte {
	var e []layerziptest.Entry
	for i := range n {
		name := fmt.Sprintf("pkg-%02d", i)
		e = append(e, layerziptest.Entry{Name: "nodejs/node_modules/" + name + "/package.json", Data: fmt.Appendf(nil, `{"name":%q,"version":%q}`, name, version)})
	}
	return layerziptest.BuildZip(t, e, layerziptest.Shape{Method: zip.Deflate})
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testtool.Golden(t, filepath.Join("testdata", name+".golden"), got, *update)
}

func TestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		from, to func(t testing.TB) []byte
		fromMeta string
		toMeta   string
		osv      string // advisories folder, if any
	}{
		{
			name:     "python",
			from:     func(t testing.TB) []byte { return txtarZip(t, "python-1.txtar") },
			to:       func(t testing.TB) []byte { return txtarZip(t, "python-2.txtar") },
			fromMeta: `{"compatible_runtimes":["python3.11","python3.12"],"compatible_architectures":["x86_64"],"license_info":"MIT","description":"deps 1"}`,
			toMeta:   `{"compatible_runtimes":["python3.12","python3.13"],"compatible_architectures":["x86_64","arm64"],"license_info":"MIT","description":"deps 2 | <b>"}`,
		},
		{
			name: "many",
			from: func(t testing.TB) []byte { return nodeLayer(t, 12, "1.9.0") },
			to:   func(t testing.TB) []byte { return nodeLayer(t, 12, "1.10.0") },
		},
		{
			// Text from the layer that would @mention people and close
			// issues if GitHub read it as written.
			name:     "mentions",
			from:     func(t testing.TB) []byte { return txtarZip(t, "mentions-1.txtar") },
			to:       func(t testing.TB) []byte { return txtarZip(t, "mentions-2.txtar") },
			fromMeta: `{"license_info":"MIT","description":"maintained by @acme/platform-team"}`,
			toMeta:   `{"license_info":"MIT (see acme/legal#1)","description":"closes #2, fixes GH-3, cc @octocat"}`,
		},
		{
			// One package per name whatever its place: hoisted and
			// nested node_modules, two site-packages trees, two gems
			// and two jars of one name.
			name: "layout",
			from: func(t testing.TB) []byte { return txtarZip(t, "layout-1.txtar") },
			to:   func(t testing.TB) []byte { return txtarZip(t, "layout-2.txtar") },
		},
		{
			// Architectures and runtimes dropped, a new license, and
			// a layer six times bigger: warned before the table.
			name:     "warnings",
			from:     func(t testing.TB) []byte { return nodeLayer(t, 2, "1.0.0") },
			to:       func(t testing.TB) []byte { return nodeLayer(t, 12, "1.0.0") },
			fromMeta: `{"compatible_runtimes":["nodejs18.x","nodejs20.x","nodejs22.x"],"compatible_architectures":["x86_64","arm64"],"license_info":"MIT"}`,
			toMeta:   `{"compatible_runtimes":["nodejs22.x"],"compatible_architectures":["arm64"],"license_info":"SSPL-1.0 <see LICENSE>"}`,
		},
		{
			// urllib3 upgraded past two advisories, requests pinned
			// back into one.
			name: "advisories",
			from: func(t testing.TB) []byte { return txtarZip(t, "advisories-1.txtar") },
			to:   func(t testing.TB) []byte { return txtarZip(t, "advisories-2.txtar") },
			osv:  "testdata/osv",
		},
		{
			name: "same-content",
			from: func(t testing.TB) []byte { return nodeLayer(t, 2, "1.0.0") },
			to:   func(t testing.TB) []byte { return nodeLayer(t, 2, "1.0.0") },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			publish(t, root, 3, tt.from(t), tt.fromMeta)
			publish(t, root, 5, tt.to(t), tt.toMeta)
			reg, err := layers.OpenDir(root)
			if err != nil {
				t.Fatal(err)
			}
			b := &Builder{Registry: reg, Cache: &Cache{Dir: t.TempDir()}}
			if tt.osv != "" {
				if b.Advisories, err = advisory.Load(tt.osv); err != nil {
					t.Fatal(err)
				}
			}
			c, err := b.Build(context.Background(), arn(t, 3), arn(t, 5))
			if err != nil {
				t.Fatal(err)
			}
			js, err := json.MarshalIndent(c, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			md := c.Markdown()
			if m := linkable.FindAllString(rendered(md), -1); m != nil {
				t.Errorf("markdown would mention or link %q", m)
			}
			golden(t, tt.name+".md", []byte(md))
			golden(t, tt.name+".json", append(js, '\n'))
		})
	}
}

// liveRegistry describes versions served by a content server. With
// expireFirst, the server's URLs expire right after each first Describe
// of a version, so the reader must come back for a fresh one.
type liveRegistry struct {
	srv         *layerziptest.Server
	zips        map[int][]byte
	expireFirst bool

	mu        sync.Mutex
	describes map[int]int
}

func (r *liveRegistry) Versions(context.Context, layerarn.ARN) ([]int, error) {
	return []int{3, 5}, nil
}

func (r *liveRegistry) Describe(_ context.Context, a layerarn.ARN) (layers.Version, error) {
	z, ok := r.zips[a.Version]
	if !ok {
		return layers.Version{}, layers.ErrNotFound
	}
	sum := sha256.Sum256(z)
	v := layers.Version{ARN: a, CodeSha256: base64.StdEncoding.EncodeToString(sum[:]), CodeSize: int64(len(z)), Location: r.srv.URLFor(fmt.Sprint(a.Version))}
	r.mu.Lock()
	r.describes[a.Version]++
	if r.expireFirst && r.describes[a.Version] == 1 {
		r.srv.Expire()
	}
	r.mu.Unlock()
	return v, nil
}

func TestBuildRangedCachedAndRefreshed(t *testing.T) {
	t.Parallel()
	srv := layerziptest.New(t)
	reg := &liveRegistry{srv: srv, zips: map[int][]byte{3: txtarZip(t, "python-1.txtar"), 5: txtarZip(t, "python-2.txtar")}, expireFirst: true, describes: map[int]int{}}
	for v, z := range reg.zips {
		srv.Put(fmt.Sprint(v), z)
	}
	b := &Builder{Registry: reg, Cache: &Cache{Dir: t.TempDir()}}
	c, err := b.Build(context.Background(), arn(t, 3), arn(t, 5))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Summary(); got != "1 upgraded, 1 downgraded, 1 changed, 2 added, 1 removed" {
		t.Errorf("summary %q", got)
	}
	if _, sent := srv.Stats(); c.BytesRead != sent || sent == 0 {
		t.Errorf("bytes_read %d, server sent %d", c.BytesRead, sent)
	}
	if reg.describes[3] != 2 || reg.describes[5] != 2 {
		t.Errorf("describes %v: want one Describe and one refresh per version", reg.describes)
	}
	srv.Reset()
	again, err := b.Build(context.Background(), arn(t, 3), arn(t, 5))
	if err != nil {
		t.Fatal(err)
	}
	if reqs, _ := srv.Stats(); again.BytesRead != 0 || reqs != 0 {
		t.Errorf("second changelog read %d bytes in %d requests, want 0: the cache holds both sides", again.BytesRead, reqs)
	}
	if again.Markdown() != c.Markdown() {
		t.Errorf("cached changelog renders differently")
	}
}

func TestBuildUnreadableSide(t *testing.T) {
	t.Parallel()
	srv := layerziptest.New(t)
	reg := &liveRegistry{srv: srv, zips: map[int][]byte{3: []byte("not a zip at all"), 5: txtarZip(t, "python-2.txtar")}, describes: map[int]int{}}
	for v, z := range reg.zips {
		srv.Put(fmt.Sprint(v), z)
	}
	c, err := (&Builder{Registry: reg}).Build(context.Background(), arn(t, 3), arn(t, 5))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Markdown(), "version 3: could not read layer zip") {
		t.Errorf("markdown lacks the note:\n%s", c.Markdown())
	}
	if _, err := (&Builder{Registry: reg}).Build(context.Background(), arn(t, 3), arn(t, 7)); !strings.Contains(fmt.Sprint(err), "layer version not found") {
		t.Errorf("missing version: err = %v", err)
	}
}

func TestCacheCorruptEntryIsAMiss(t *testing.T) {
	t.Parallel()
	c := &Cache{Dir: t.TempDir()}
	const sha = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="
	if err := os.WriteFile(c.path(sha), []byte("{half"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(sha); ok {
		t.Fatal("corrupt entry returned as a hit")
	}
	if err := c.Put(sha, nil); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(c.Dir)
	if len(entries) != 1 {
		t.Errorf("cache dir holds %d files, want 1 (no temporary files left)", len(entries))
	}
}
