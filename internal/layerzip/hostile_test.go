package layerzip

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// TestHostileZipsStayInBudget: every hostile shape ends in an inventory
// with a note, having opened at most MaxReads entries and inflated at
// most MaxInflate bytes, through Range requests as a changelog reads.
func TestHostileZipsStayInBudget(t *testing.T) {
	t.Parallel()
	srv := layerziptest.New(t)
	limits := Limits{MaxReads: 25, MaxInflate: 3 << 20}
	for _, h := range layerziptest.HostileZips(true, 0) {
		t.Run(h.Name, func(t *testing.T) {
			t.Parallel()
			inv, st, err := Read(context.Background(), srv.Put(h.Name, h.Zip), Options{Limits: limits})
			if err != nil {
				t.Fatalf("Read: %v (a hostile zip is a note, not an error)", err)
			}
			if len(inv.Notes) == 0 {
				t.Errorf("no note: the reader must say what it left unread")
			}
			if st.EntriesRead > limits.MaxReads {
				t.Errorf("opened %d entries, more than MaxReads %d", st.EntriesRead, limits.MaxReads)
			}
			if st.Inflated > limits.MaxInflate {
				t.Errorf("inflated %d bytes, more than MaxInflate %d", st.Inflated, limits.MaxInflate)
			}
			t.Logf("%d entries read, %d bytes inflated, notes %q", st.EntriesRead, st.Inflated, inv.Notes)
		})
	}
}

// TestOverlappingEntriesReadOnce: entries that share one compressed
// stream cost one read, at the outer level and inside jars.
func TestOverlappingEntriesReadOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		zip       []byte
		wantReads int
	}{
		{"1000 METADATA on one stream", layerziptest.OverlapBomb(1000, 1<<20+4096, 0), 1},
		{"3 jars of 200 pom.properties on one stream each", layerziptest.JarBomb(3, 200, 0), 3 + 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inv, st, err := InspectContext(context.Background(), bytes.NewReader(tt.zip), int64(len(tt.zip)), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if st.EntriesRead != tt.wantReads {
				t.Errorf("opened %d entries, want %d: each stream once", st.EntriesRead, tt.wantReads)
			}
			if max := int64(tt.wantReads) * (DefaultLimits().MaxMetadataSize + 1); st.Inflated > max {
				t.Errorf("inflated %d bytes, more than %d: a stream was inflated twice", st.Inflated, max)
			}
			if !strings.Contains(strings.Join(inv.Notes, "\n"), "overlaps another entry's") {
				t.Errorf("notes %q lack the overlap note", inv.Notes)
			}
		})
	}
}

// TestReadBudgetNotes: a spent budget stops the reading with one note
// that says which limit, and reads no further.
func TestReadBudgetNotes(t *testing.T) {
	t.Parallel()
	deep := layerziptest.DeepNodeModules(60, 4, 0)
	tests := []struct {
		name   string
		limits Limits
		note   string
		check  func(Stats) bool
	}{
		{"MaxReads", Limits{MaxReads: 10}, "50 metadata entries not read: more than the 10 entries MaxReads allows", func(s Stats) bool { return s.EntriesRead == 10 }},
		{"MaxInflate", Limits{MaxInflate: 300}, "metadata entries not read: read budget spent: 300 bytes inflated, the MaxInflate limit", func(s Stats) bool { return s.Inflated == 300 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inv, st, err := InspectContext(context.Background(), bytes.NewReader(deep), int64(len(deep)), tt.limits)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(st) {
				t.Errorf("stats %+v break the %s budget", st, tt.name)
			}
			if !strings.Contains(strings.Join(inv.Notes, "\n"), tt.note) {
				t.Errorf("notes %q, want one containing %q", inv.Notes, tt.note)
			}
			if inv.Incomplete {
				t.Errorf("Incomplete set by a deterministic budget: the inventory could be cached")
			}
		})
	}
}

// TestReadTimeBudget: past MaxReadTime the inventory is a note, marked
// Incomplete (not to be cached), and not an error.
func TestReadTimeBudget(t *testing.T) {
	t.Parallel()
	deep := layerziptest.DeepNodeModules(60, 4, 0)
	inv, _, err := InspectContext(context.Background(), bytes.NewReader(deep), int64(len(deep)), Limits{MaxReadTime: 1})
	if err != nil {
		t.Fatalf("err = %v: the time budget is a note", err)
	}
	if !inv.Incomplete || !strings.Contains(strings.Join(inv.Notes, "\n"), "the MaxReadTime limit") {
		t.Errorf("Incomplete %v, notes %q: want the time budget noted", inv.Incomplete, inv.Notes)
	}
}

// cancelOnData cancels a context at the first read of an entry's data,
// to cancel a job in the middle of inflating.
type cancelOnData struct {
	r      io.ReaderAt
	data   int64 // where the entry's compressed data starts
	cancel context.CancelFunc
}

func (c *cancelOnData) ReadAt(p []byte, off int64) (int, error) {
	if off == c.data {
		c.cancel()
	}
	return c.r.ReadAt(p, off)
}

// TestCancelStopsReading: a cancelled job stops the reader inside the
// zip, with an error wrapping context.Canceled, before or while inflating.
func TestCancelStopsReading(t *testing.T) {
	t.Parallel()
	bombZip := layerziptest.OverlapBomb(1, 8<<20, 0)
	t.Run("before", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, st, err := Read(ctx, writeTemp(t, bombZip), Options{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if st.EntriesRead != 0 || st.Inflated != 0 {
			t.Errorf("read %d entries, inflated %d bytes after the cancel", st.EntriesRead, st.Inflated)
		}
	})
	t.Run("while inflating", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := &cancelOnData{r: bytes.NewReader(bombZip), data: 30 + int64(len("python/bomb-1.0.dist-info/METADATA")), cancel: cancel}
		_, st, err := InspectContext(ctx, r, int64(len(bombZip)), Limits{MaxMetadataSize: 16 << 20})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		// flate has one buffered read in hand when the cancel lands;
		// without the check the 8 MiB would be inflated in full.
		if st.EntriesRead != 1 || st.Inflated > 1<<20 {
			t.Errorf("opened %d entries, inflated %d bytes: want the one entry stopped after the cancel", st.EntriesRead, st.Inflated)
		}
	})
}

// TestHundredThousandEntries: where the limits admit a 100,000-entry
// overlap bomb (zip64 end records), the budget still reads one stream
// once and plans no more than MaxReads entries.
func TestHundredThousandEntries(t *testing.T) {
	t.Parallel()
	z := layerziptest.OverlapBomb(99_999, 64<<10, 0)
	limits := Limits{MaxEntries: 100_000, MaxDirectorySize: 24 << 20}
	inv, st, err := InspectContext(context.Background(), bytes.NewReader(z), int64(len(z)), limits)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Entries != 99_999 || st.EntriesRead != 1 {
		t.Errorf("%d entries, %d read: want 99999 and 1", inv.Entries, st.EntriesRead)
	}
	notes := strings.Join(inv.Notes, "\n")
	for _, want := range []string{"skipped 9999 entries whose data overlaps", "89999 metadata entries not read: more than the 10000 entries MaxReads allows"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q lack %q", inv.Notes, want)
		}
	}
}
