package layerzip

import (
	"archive/zip"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
	"github.com/google/go-cmp/cmp"
)

// bigLayer is a python layer whose bulk is one stored native library placed
// between metadata files, so planning must skip it.
func bigLayer(tb testing.TB, libSize int, seed uint64) []byte {
	entries := loadTxtar(tb, "python.txtar")
	mid := len(entries) / 2
	big := entry{Name: "lib/libbig.so", Data: randomBytes(libSize, seed)}
	entries = append(entries[:mid:mid], append([]entry{big}, entries[mid:]...)...)
	return buildZip(tb, entries, shape{Method: zip.Store})
}

func TestRangedReadsFewBytes(t *testing.T) {
	t.Parallel()
	srv := layerziptest.New(t)
	data := bigLayer(t, 4<<20, 1)
	inv, st, err := Read(context.Background(), srv.Put("big", data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Packages) != 9 {
		t.Errorf("got %d packages, want 9: %+v", len(inv.Packages), inv.Packages)
	}
	reqs, sent := srv.Stats()
	if reqs != st.Requests || sent != st.Bytes {
		t.Errorf("client counted %d requests / %d bytes, server %d / %d", st.Requests, st.Bytes, reqs, sent)
	}
	if reqs > 4 {
		t.Errorf("%d requests (%q), want at most 4: tail, metadata before and after the library", reqs, srv.Ranges())
	}
	if sent > int64(len(data))/50 {
		t.Errorf("read %d of %d bytes, want at most 2%%", sent, len(data))
	}
	for _, r := range srv.Ranges() {
		if !strings.HasPrefix(r, "bytes=") {
			t.Errorf("request without a Range header: %q", r)
		}
	}
}

func TestExpiredURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		refresh    bool
		wantErr    bool
		wantCalled int
	}{
		{name: "refreshed once", refresh: true, wantCalled: 1},
		{name: "no refresh callback", refresh: false, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := layerziptest.New(t)
			loc := srv.Put("layer", buildZip(t, loadTxtar(t, "node.txtar"), shape{Method: zip.Deflate}))
			srv.Expire()
			called := 0
			opts := Options{}
			if tt.refresh {
				opts.Refresh = func(context.Context) (string, error) { called++; return srv.URLFor("layer"), nil }
			}
			inv, _, err := Read(context.Background(), loc, opts)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tt.wantErr)
			}
			if called != tt.wantCalled {
				t.Errorf("Refresh called %d times, want %d", called, tt.wantCalled)
			}
			if err == nil && len(inv.Packages) != 9 {
				t.Errorf("got %d packages after refresh, want 9", len(inv.Packages))
			}
			if err != nil && strings.Contains(err.Error(), "X-Amz-Signature") {
				t.Errorf("error leaks the presigned query: %v", err)
			}
		})
	}
}

func TestFetchLimit(t *testing.T) {
	t.Parallel()
	srv := layerziptest.New(t)
	meta := append([]byte("Name: big\nVersion: 1.0\n\n"), randomBytes(300<<10, 3)...)
	data := buildZip(t, []entry{{Name: "python/big-1.0.dist-info/METADATA", Data: meta}}, shape{Method: zip.Store})
	_, _, err := Read(context.Background(), srv.Put("big", data), Options{Limits: Limits{MaxFetch: 200 << 10}})
	if !errors.Is(err, ErrLimit) {
		t.Errorf("ranged: err = %v, want ErrLimit", err)
	}
	srv.IgnoreRanges(true)
	_, _, err = Read(context.Background(), srv.URLFor("big"), Options{Limits: Limits{MaxDownload: 100 << 10}})
	if !errors.Is(err, ErrLimit) {
		t.Errorf("full download: err = %v, want ErrLimit", err)
	}
}

func TestCoalesce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		want   []span
		gap    int64
		maxReq int
		groups []group
	}{
		{
			name: "overlapping and near merge, far stays apart",
			want: []span{{100, 200}, {150, 300}, {310, 400}, {10000, 10100}},
			gap:  64, maxReq: 10,
			groups: []group{
				{span{100, 400}, []span{{100, 300}, {310, 400}}},
				{span{10000, 10100}, []span{{10000, 10100}}},
			},
		},
		{
			name: "request budget merges the smallest gap first",
			want: []span{{0, 10}, {1000, 1010}, {1500, 1510}},
			gap:  100, maxReq: 2,
			groups: []group{
				{span{0, 10}, []span{{0, 10}}},
				{span{1000, 1510}, []span{{1000, 1010}, {1500, 1510}}},
			},
		},
		{
			name: "gaps beyond 8x are never merged",
			want: []span{{0, 10}, {100000, 100010}},
			gap:  100, maxReq: 1,
			groups: []group{
				{span{0, 10}, []span{{0, 10}}},
				{span{100000, 100010}, []span{{100000, 100010}}},
			},
		},
		{name: "empty", gap: 1, maxReq: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := coalesce(tt.want, tt.gap, tt.maxReq)
			if diff := cmp.Diff(tt.groups, got, cmp.AllowUnexported(group{}, span{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
