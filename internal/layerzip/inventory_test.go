package layerzip

import (
	"context"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// pkg is the part of a Package the fixtures pin down.
type pkg struct{ Eco, Name, Version, Canonical string }

var fixtures = []struct {
	file  string
	want  []pkg
	notes []string // substrings, in order
}{
	{
		file: "python.txtar",
		want: []pkg{
			{Other, "python/lib/python3.12/site-packages/_cffi_backend", "", ""},
			{Other, "python/six", "", ""},
			{Python, "attrs", "23.1.0", ""},
			{Python, "broken", "1.0", ""},
			{Python, "charset-normalizer", "3.3.2", ""},
			{Python, "PyYAML", "6.0.1", ""},
			{Python, "requests", "2.31.0", ""},
			{Python, "simplejson", "3.19.1", ""},
		},
		notes: []string{"broken-1.0.dist-info/METADATA: no Version field"},
	},
	{
		file: "node.txtar",
		want: []pkg{
			{Node, "@aws-sdk/client-s3", "3.451.0", ""},
			{Node, "axios", "1.6.2", ""},
			{Node, "broken", "", ""},
			{Node, "debug", "4.3.4", ""},
			{Node, "express", "4.18.2", ""},
			{Node, "express/node_modules/@types/node", "20.10.0", "@types/node"},
			{Node, "express/node_modules/debug", "2.6.9", "debug"},
			{Node, "noversion", "", ""},
			{Node, "uuid", "9.0.1", ""},
		},
		notes: []string{"broken/package.json: malformed package.json", "noversion/package.json: package.json has no string version"},
	},
	{
		file: "ruby-java-native.txtar",
		want: []pkg{
			{Java, "aws-lambda-java-core", "1.2.3", ""},
			{Java, "jackson-core", "2.15.2", "com.fasterxml.jackson.core:jackson-core"},
			{Native, "libpq.so", "", ""},
			{Native, "libssl.so", "3.0.8", ""},
			{Other, "bin/jq", "", ""},
			{Other, "extensions/datadog-agent", "", ""},
			{Ruby, "json", "2.6.3", ""},
			{Ruby, "nokogiri", "1.15.4", ""},
		},
	},
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
		entries := loadTxtar(t, fx.file)
		for shapeName, sh := range shapes {
			data := buildZip(t, entries, sh)
			name := strings.TrimSuffix(fx.file, ".txtar") + "-" + shapeName
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
					if diff := cmp.Diff(fx.want, summarize(inv), cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("packages (-want +got):\n%s", diff)
					}
					checkNotes(t, inv.Notes, fx.notes)
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
