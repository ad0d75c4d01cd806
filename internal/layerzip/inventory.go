package layerzip

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
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
const FormatVersion = 1

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
	// Notes say what could not be read and why.
	Notes []string `json:"notes,omitempty"`
	// Unverified: the content read was not the one Options.CodeSha256
	// names, so nothing was inventoried and the inventory must not be
	// cached under that digest.
	Unverified bool `json:"-"`
}

// Read opens a layer location and inspects it. Content problems (a corrupt
// zip, a malformed package.json) become notes in the Inventory; the error
// is for what may succeed on retry: the network, an expired URL, a limit
// on the download.
func Read(ctx context.Context, location string, opts Options) (*Inventory, Stats, error) {
	src, err := Open(ctx, location, opts)
	if de := (*digestError)(nil); errors.As(err, &de) {
		inv := newInspector(opts.Limits).inv
		inv.Notes, inv.Unverified = []string{de.Error()}, true
		return inv, de.stats, nil
	}
	if err != nil {
		return nil, Stats{}, err
	}
	defer src.Close()
	inv := Inspect(src, src.Size(), opts.Limits)
	if err := src.Err(); err != nil {
		return nil, src.Stats(), err
	}
	return inv, src.Stats(), nil
}

// prefetcher is implemented by sources for which a read costs a request.
type prefetcher interface {
	prefetchEntries(files []*zip.File)
	prefetchRange(s span)
}

// Inspect inventories the zip in r. It never fails: what cannot be read is
// noted. When r is a ranged Source, only the end records, the central
// directory and the needed metadata entries are fetched.
func Inspect(r io.ReaderAt, size int64, limits Limits) *Inventory {
	in := newInspector(limits)
	in.inspect(r, size)
	return in.finish()
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
	p, ranged := r.(prefetcher)
	if ranged {
		p.prefetchRange(span{d.offset, min(d.offset+d.size, size)})
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
	in.inv.Entries = len(zr.File)
	for _, f := range zr.File {
		in.classify(f)
	}
	in.planRecords()
	if ranged {
		files := make([]*zip.File, len(in.needs))
		for i, n := range in.needs {
			files[i] = n.file
		}
		p.prefetchEntries(files)
	}
	for _, n := range in.needs {
		in.read(n)
	}
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

// readEntry reads a metadata entry through the per-file cap.
func (in *inspector) readEntry(f *zip.File, limit int64) ([]byte, error) {
	if f.CompressedSize64 > uint64(limit)+uint64(limit/2)+4096 {
		return nil, fmt.Errorf("%d compressed bytes, more than the %d allowed", f.CompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("more than %d bytes uncompressed", limit)
	}
	return data, nil
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
