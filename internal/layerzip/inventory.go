package layerzip

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
)

// Ecosystems a Package belongs to.
const (
	Python = "python"
	Node   = "node"
	Ruby   = "ruby"
	Java   = "java"
	Native = "native"
	Other  = "other"
)

// FormatVersion changes whenever Inventory's content would differ for the
// same zip, so inventories cached by an older binary are read again.
// 2: the read budget (overlapping entries read once, MaxReads).
// 3: Files, the paths a layer puts under /opt (shadowing in a stack).
const FormatVersion = 3

// Package is one thing a layer puts under /opt.
type Package struct {
	Ecosystem string `json:"ecosystem"`
	// Name identifies the package within its ecosystem: the distribution
	// name (python), the node_modules path such as "a/node_modules/b"
	// (node), the gem, the artifact (java), the library (native), or the
	// path under /opt (other).
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	// Canonical is the name on the ecosystem's registry when it differs
	// from Name (a nested npm package), or "group:artifact" for Maven.
	Canonical string `json:"canonical,omitempty"`
	// Path is the zip entry the package was read from.
	Path string `json:"path"`
	// Digest fingerprints content (CRC-32s and sizes from the central
	// directory) for things without a version: a rebuilt binary with the
	// same name shows as changed.
	Digest string `json:"digest,omitempty"`
}

// Inventory is what a layer zip holds. It depends only on the zip's bytes
// (and FormatVersion), so it is cached by CodeSha256.
type Inventory struct {
	Format       int       `json:"format"`
	Packages     []Package `json:"packages"`
	Entries      int       `json:"entries"`
	UnzippedSize int64     `json:"unzipped_size"`
	// Files are the paths of the files the layer puts under /opt, from
	// its central directory, sorted: two layers of one function holding
	// one path means the later one's file is the one the function sees.
	// Directory entries and names that leave /opt are not listed; past
	// Limits.MaxFiles the list is cut and FilesCut says so.
	Files    []string `json:"files,omitempty"`
	FilesCut bool     `json:"files_cut,omitempty"`
	// Notes say what could not be read and why.
	Notes []string `json:"notes,omitempty"`
	// Unverified: the content read was not the one Options.CodeSha256
	// names, so nothing was inventoried and the inventory must not be
	// cached under that digest.
	Unverified bool `json:"-"`
	// Incomplete: reading stopped at Limits.MaxReadTime, so the inventory
	// depends on the machine's speed and must not be cached either.
	Incomplete bool `json:"-"`
}

// Read opens a layer location and inspects it. Content problems (a corrupt
// zip, a malformed package.json, a spent read budget) become notes in the
// Inventory; the error is for what may succeed on retry: the network, an
// expired URL, a limit on the download, and the caller's cancellation
// (wrapping context.Canceled).
func Read(ctx context.Context, location string, opts Options) (*Inventory, Stats, error) {
	opts.Limits = opts.Limits.withDefaults()
	ctx, cancel := context.WithTimeoutCause(ctx, opts.Limits.MaxReadTime, errTimeBudget)
	defer cancel()
	src, err := Open(ctx, location, opts)
	if de := (*digestError)(nil); errors.As(err, &de) {
		inv := newInspector(ctx, opts.Limits).inv
		inv.Notes, inv.Unverified = []string{de.Error()}, true
		return inv, de.stats, nil
	}
	if err != nil {
		return nil, Stats{}, err
	}
	defer src.Close()
	inv, work, err := inspect(ctx, src, src.Size(), opts.Limits)
	st := src.Stats()
	st.EntriesRead, st.Inflated = work.EntriesRead, work.Inflated
	if serr := src.Err(); serr != nil {
		return nil, st, serr
	}
	if err != nil {
		return nil, st, err
	}
	return inv, st, nil
}

// bigDirectory is the central directory size (about 10,000 entries)
// past which a layer waits for bigDirectories.
const bigDirectory = 1 << 20

// bigDirectories admits one layer with a big central directory at a time.
var bigDirectories = make(chan struct{}, 1)

// prefetcher is implemented by sources for which a read costs a request.
type prefetcher interface {
	prefetchEntries(files []*zip.File)
	prefetchRange(s span)
	release(s span)
}

// Inspect inventories the zip in r. It never fails: what cannot be read is
// noted. When r is a ranged Source, only the end records, the central
// directory and the needed metadata entries are fetched.
func Inspect(r io.ReaderAt, size int64, limits Limits) *Inventory {
	inv, _, _ := InspectContext(context.Background(), r, size, limits)
	return inv
}

// InspectContext is Inspect within limits.MaxReadTime that stops when ctx
// is done: then it returns an error wrapping ctx's (context.Canceled for a
// cancelled job). Stats holds the entries read and bytes inflated.
func InspectContext(ctx context.Context, r io.ReaderAt, size int64, limits Limits) (*Inventory, Stats, error) {
	limits = limits.withDefaults()
	ctx, cancel := context.WithTimeoutCause(ctx, limits.MaxReadTime, errTimeBudget)
	defer cancel()
	return inspect(ctx, r, size, limits)
}

// inspect runs an inspector under ctx, whose deadline may be the
// MaxReadTime budget (a note) or the caller's (an error).
func inspect(ctx context.Context, r io.ReaderAt, size int64, limits Limits) (*Inventory, Stats, error) {
	in := newInspector(ctx, limits)
	in.inspect(r, size)
	inv := in.finish()
	st := Stats{EntriesRead: in.budget.reads, Inflated: in.budget.inflated}
	if err := ctx.Err(); err != nil && context.Cause(ctx) != errTimeBudget {
		return nil, st, fmt.Errorf("read layer zip: %w", err)
	}
	return inv, st, nil
}

func (in *inspector) inspect(r io.ReaderAt, size int64) {
	if size == 0 {
		in.note("could not read layer zip: it is empty")
		return
	}
	d, err := findDirectory(r, size)
	if err != nil {
		in.note("could not read layer zip: %v", err)
		return
	}
	if d.records > uint64(in.limits.MaxEntries) {
		in.note("could not read layer zip: %d entries, more than the %d allowed", d.records, in.limits.MaxEntries)
		return
	}
	if d.size > in.limits.MaxDirectorySize {
		in.note("could not read layer zip: central directory of %d bytes, more than the %d allowed", d.size, in.limits.MaxDirectorySize)
		return
	}
	if d.size > bigDirectory {
		// archive/zip keeps every record in memory while the layer is
		// inspected: one big directory at a time per process, so the
		// two sides of a changelog, or four workers, never add up.
		select {
		case bigDirectories <- struct{}{}:
			defer func() {
				// Hand the records' memory back before the next big
				// directory is parsed, rather than let the heap grow
				// to twice both of them before the collector runs.
				runtime.GC()
				<-bigDirectories
			}()
		case <-in.budget.ctx.Done():
			in.budget.spent = in.budget.ctx.Err()
			return
		}
	}
	// Holding any *zip.File holds them all (each points at the Reader):
	// let them go before the next big directory is parsed.
	defer func() {
		in.needs = nil
		for _, pr := range in.py {
			pr.records = nil
		}
	}()
	p, ranged := r.(prefetcher)
	dir := span{d.offset, min(d.offset+d.size, size)}
	if ranged {
		p.prefetchRange(dir)
	}
	if n := countEntries(r, size, d, in.limits.MaxEntries); n > in.limits.MaxEntries {
		in.note("could not read layer zip: more than %d entries", in.limits.MaxEntries)
		return
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		in.note("could not read layer zip: %v", err)
		return
	}
	if ranged {
		// archive/zip holds its own copy of every record now.
		p.release(dir)
	}
	in.inv.Entries = len(zr.File)
	for i, f := range zr.File {
		if i%4096 == 0 && in.budget.live() != nil {
			return
		}
		in.classify(f)
	}
	// Only the needed records are kept from here on: every *zip.File
	// points at the Reader, whose File list would hold them all.
	zr.File = nil
	in.planRecords()
	files := make([]*zip.File, len(in.needs))
	for i, n := range in.needs {
		files[i] = n.file
	}
	if ranged {
		p.prefetchEntries(files)
	}
	skip := overlapping(files)
	for i, n := range in.needs {
		if skip[i] {
			in.overlaps++
			continue
		}
		in.read(n)
	}
}

// release drops the blocks that lie inside s: once archive/zip has parsed
// the central directory, the fetched copy of it is dead weight.
func (r *remote) release(s span) {
	r.mu.Lock()
	defer r.mu.Unlock()
	kept := r.blocks[:0]
	for _, b := range r.blocks {
		if b.off < s.start || b.off+int64(len(b.data)) > s.end {
			kept = append(kept, b)
		}
	}
	clear(r.blocks[len(kept):])
	r.blocks = kept
}

// prefetchRange fetches one range unless it is already held.
func (r *remote) prefetchRange(s span) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.lookup(s.start, s.end); ok || r.err != nil || s.end <= s.start {
		return
	}
	// Stop at the tail already held: the directory usually ends there.
	i := len(r.blocks) - 1
	if i >= 0 && r.blocks[i].off > s.start && r.blocks[i].off < s.end {
		s.end = r.blocks[i].off
	}
	if err := r.fetch(s.start, s.end, []span{s}); err != nil {
		r.err = err
	}
}

// safeName reports whether a zip entry name stays inside /opt once
// extracted: no absolute path, no "..", no backslash.
func safeName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) {
		return false
	}
	for seg := range strings.SplitSeq(name, "/") {
		if seg == ".." {
			return false
		}
	}
	return true
}
