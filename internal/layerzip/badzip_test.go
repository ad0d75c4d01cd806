package layerzip

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// patchCentral overwrites a 32-bit field of the central directory header
// of the entry called name.
func patchCentral(tb testing.TB, z []byte, name string, field int, v uint32) []byte {
	tb.Helper()
	z = bytes.Clone(z)
	sig := binary.LittleEndian.AppendUint32(nil, 0x02014b50)
	for i := 0; ; {
		j := bytes.Index(z[i:], sig)
		if j < 0 {
			tb.Fatalf("no central header for %q", name)
		}
		i += j
		n := int(binary.LittleEndian.Uint16(z[i+28:]))
		if string(z[i+46:i+46+n]) == name {
			binary.LittleEndian.PutUint32(z[i+field:], v)
			return z
		}
		i += 4
	}
}

func TestBadZips(t *testing.T) {
	t.Parallel()
	meta := []entry{{Name: "python/a-1.0.dist-info/METADATA", Data: []byte("Name: a\nVersion: 1.0\n")}}
	good := buildZip(t, meta, shape{Method: zip.Deflate})
	many := make([]entry, 12)
	for i := range many {
		many[i] = entry{Name: strings.Repeat("x", i+1)}
	}
	deep := strings.Repeat("nodejs/", 60) + "package.json"
	eocdOffset := len(good) - 22 + 16
	pastEOF := bytes.Clone(good)
	binary.LittleEndian.PutUint32(pastEOF[eocdOffset:], 0x7fffff00)
	tests := []struct {
		name   string
		zip    []byte
		limits Limits
		note   string // every case must leave a note with this text
		pkgs   int
	}{
		{name: "empty", zip: nil, note: "empty"},
		{name: "garbage", zip: randomBytes(100<<10, 7), note: "no end of central directory"},
		{name: "truncated", zip: good[:len(good)/2], note: "no end of central directory"},
		{name: "directory offset lies", zip: pastEOF, note: "could not read python/a-1.0.dist-info/METADATA", pkgs: 1},
		{name: "entry offset past EOF", zip: patchCentral(t, good, meta[0].Name, 42, 0x7fffff00), note: "could not read python/a-1.0.dist-info/METADATA", pkgs: 1},
		{name: "entry size lies", zip: patchCentral(t, good, meta[0].Name, 20, 3), note: "could not read python/a-1.0.dist-info/METADATA", pkgs: 1},
		{name: "declared size huge", zip: patchCentral(t, good, meta[0].Name, 20, 0xfffffff0), note: "compressed bytes, more than", pkgs: 1},
		{name: "too many entries", zip: buildZip(t, many, shape{}), limits: Limits{MaxEntries: 5}, note: "12 entries, more than the 5 allowed"},
		{name: "metadata bomb", zip: buildZip(t, []entry{{Name: "python/a-1.0.dist-info/METADATA", Data: bytes.Repeat([]byte("Name: a\n"), 2<<20)}}, shape{Method: zip.Deflate}), note: "more than 1048576 bytes uncompressed", pkgs: 1},
		{name: "unsafe names", zip: buildZip(t, []entry{{Name: "../evil"}, {Name: "/etc/passwd"}, {Name: `bin\x`}}, shape{}), note: "skipped 3 entries whose names leave"},
		{name: "deep nesting", zip: buildZip(t, []entry{{Name: deep, Data: []byte("{}")}}, shape{}), note: "nested deeper than"},
		{name: "non-UTF-8 name", zip: buildZip(t, []entry{{Name: "nodejs/node_modules/\xff\xfe/package.json", Data: []byte(`{"version":"1"}`)}}, shape{}), note: "", pkgs: 1},
	}
	srv := layerziptest.New(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inv, _, err := Read(context.Background(), srv.Put(tt.name, tt.zip), Options{Limits: tt.limits})
			if err != nil {
				t.Fatalf("Read: %v (bad content must be a note, not an error)", err)
			}
			if len(inv.Packages) != tt.pkgs {
				t.Errorf("got %d packages %+v, want %d", len(inv.Packages), inv.Packages, tt.pkgs)
			}
			if tt.note == "" {
				for _, p := range inv.Packages {
					if !strings.Contains(p.Name, "\uFFFD") {
						t.Errorf("name %q: want invalid bytes shown as U+FFFD", p.Name)
					}
				}
				return
			}
			if !strings.Contains(strings.Join(inv.Notes, "\n"), tt.note) {
				t.Errorf("notes %q, want one containing %q", inv.Notes, tt.note)
			}
		})
	}
}

// FuzzInventory: any bytes end in an inventory, quickly, without a panic
// and without reading past the limits.
func FuzzInventory(f *testing.F) {
	for _, name := range []string{"python.txtar", "node.txtar", "ruby-java-native.txtar"} {
		f.Add(buildZip(f, loadTxtar(f, name), shape{Method: zip.Deflate}))
		f.Add(buildZip(f, loadTxtar(f, name), shape{Method: zip.Store, Raw: true, Zip64: true}))
	}
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	// Small versions of the hostile shapes: overlap bombs, many entries,
	// long names, jar bombs, deep node_modules.
	for _, h := range layerziptest.HostileZips(true, 0) {
		f.Add(h.Zip)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		limits := Limits{MaxEntries: 1000, MaxMetadataSize: 64 << 10, MaxJarSize: 64 << 10}
		start := time.Now()
		inv, st, err := InspectContext(context.Background(), bytes.NewReader(data), int64(len(data)), limits)
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("took %v: reading must stay bounded in time", el)
		}
		if err != nil {
			t.Fatalf("InspectContext: %v (only a cancelled context is an error)", err)
		}
		if d := DefaultLimits(); st.EntriesRead > d.MaxReads || st.Inflated > d.MaxInflate {
			t.Errorf("%d entries read, %d bytes inflated: the read budget was not kept", st.EntriesRead, st.Inflated)
		}
		if inv.Entries > 1000 || len(inv.Packages) > inv.Entries {
			t.Errorf("%d entries, %d packages: limits not kept", inv.Entries, len(inv.Packages))
		}
		if len(inv.Notes) > DefaultLimits().MaxNotes+1 {
			t.Errorf("%d notes, more than the cap", len(inv.Notes))
		}
	})
}
