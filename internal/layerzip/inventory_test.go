package layerzip

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// pkg is the part of a Package the fixtures pin down.
type pkg struct{ Eco, Name, Version, Canonical string }

// fixtures are the layer contents (testdata/NAME.txtar) whose packages and
// notes testdata/NAME.want pins down.
var fixtures = []string{"python", "node", "ruby-java-native"}

// loadWant reads NAME.want: one package a line (ecosystem, name, version,
// canonical name, tab-separated, trailing empty fields left out), "note"
// lines holding substrings of the notes in order, "#" comments.
func loadWant(tb testing.TB, name string) (want []pkg, notes []string) {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".want"))
	if err != nil {
		tb.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Split(line, "\t")
		switch {
		case strings.HasPrefix(line, "#"):
		case f[0] == "note" && len(f) == 2:
			notes = append(notes, f[1])
		case len(f) >= 2 && len(f) <= 4:
			f = append(f, "", "")
			want = append(want, pkg{f[0], f[1], f[2], f[3]})
		default:
			tb.Fatalf("testdata/%s.want:%d: want 2 to 4 tab-separated fields or a note", name, i+1)
		}
	}
	return want, notes
}

func summarize(inv *Inventory) []pkg {
	var out []pkg
	for _, p := range inv.Packages {
		out = append(out, pkg{p.Ecosystem, p.Name, p.Version, p.Canonical})
	}
	return out
}

func checkNotes(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("notes = %q, want %d matching %q", got, len(want), want)
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("note %d = %q, want it to contain %q", i, got[i], want[i])
		}
	}
}

// TestInventory reads every fixture in every zip shape through every way
// of reaching content, and expects the same packages each time.
func TestInventory(t *testing.T) {
	t.Parallel()
	srv := layerziptest.New(t)
	ignoring := layerziptest.New(t)
	ignoring.IgnoreRanges(true)
	for _, fx := range fixtures {
		entries := loadTxtar(t, fx+".txtar")
		want, wantNotes := loadWant(t, fx)
		for shapeName, sh := range shapes {
			data := buildZip(t, entries, sh)
			name := fx + "-" + shapeName
			locations := map[string]string{
				"file":          writeTemp(t, data),
				"ranged":        srv.Put(name, data),
				"ignore-ranges": ignoring.Put(name, data),
			}
			for how, loc := range locations {
				t.Run(name+"/"+how, func(t *testing.T) {
					t.Parallel()
					inv, st, err := Read(context.Background(), loc, Options{})
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(want, summarize(inv), cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("packages (-want +got):\n%s", diff)
					}
					checkNotes(t, inv.Notes, wantNotes)
					if inv.Entries != len(entries) {
						t.Errorf("Entries = %d, want %d", inv.Entries, len(entries))
					}
					if st.Bytes == 0 {
						t.Errorf("Stats.Bytes = 0, want the bytes read counted")
					}
					if how == "ignore-ranges" && st.Bytes != int64(len(data)) {
						t.Errorf("Stats.Bytes = %d, want the whole zip (%d) downloaded once", st.Bytes, len(data))
					}
				})
			}
		}
	}
}

// TestDigestChanges: unversioned things are compared by content.
func TestDigestChanges(t *testing.T) {
	t.Parallel()
	a := digests(Inspect(readerOf(buildZip(t, []entry{{Name: "bin/jq", Data: []byte("v1")}, {Name: "lib/libpq.so", Data: []byte("x")}}, shape{Method: 8}))))
	b := digests(Inspect(readerOf(buildZip(t, []entry{{Name: "bin/jq", Data: []byte("v2")}, {Name: "lib/libpq.so", Data: []byte("x")}}, shape{Method: 0}))))
	if a["bin/jq"] == "" || a["bin/jq"] == b["bin/jq"] {
		t.Errorf("bin/jq digests %q, %q: want different, as its content changed", a["bin/jq"], b["bin/jq"])
	}
	if a["libpq.so"] == "" || a["libpq.so"] != b["libpq.so"] {
		t.Errorf("libpq.so digests %q, %q: want equal for the same bytes stored and deflated", a["libpq.so"], b["libpq.so"])
	}
}

func digests(inv *Inventory) map[string]string {
	m := map[string]string{}
	for _, p := range inv.Packages {
		m[p.Name] = p.Digest
	}
	return m
}

func readerOf(b []byte) (*strings.Reader, int64, Limits) {
	return strings.NewReader(string(b)), int64(len(b)), Limits{}
}
