package layerzip

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
)

// errBudget marks an entry left unread because the layer's read budget
// (Limits.MaxReads, Limits.MaxInflate) is spent.
var errBudget = errors.New("read budget spent")

// errTimeBudget is the cause of the deadline Limits.MaxReadTime puts on
// one layer, told apart from the caller's own cancellation.
var errTimeBudget = errors.New("read time budget spent")

// budget is what reading one layer's entries may still cost, shared by
// the entries of the layer and of the jars inside it: a zip can make each
// read cheap to declare and dear to do, so the total is capped, not only
// each entry.
type budget struct {
	ctx      context.Context
	limits   *Limits
	reads    int   // entries opened
	inflated int64 // uncompressed bytes read
	spent    error // errBudget or the context's error, once reading stops
	buf      []byte
}

// live returns the context's error once it is done (and remembers it).
func (b *budget) live() error {
	if b.spent == nil {
		b.spent = b.ctx.Err()
	}
	return b.spent
}

// take accounts for opening one more entry.
func (b *budget) take() error {
	if err := b.live(); err != nil {
		return err
	}
	if b.reads >= b.limits.MaxReads {
		b.spent = fmt.Errorf("%w: %d entries opened, the MaxReads limit", errBudget, b.reads)
		return b.spent
	}
	b.reads++
	return nil
}

// reader inflates r through the budget: it stops at MaxInflate bytes in
// all and as soon as the context is done, so neither a bomb nor a
// cancelled job keeps a worker busy.
func (b *budget) reader(r io.Reader) io.Reader { return &budgetReader{r: r, b: b} }

type budgetReader struct {
	r io.Reader
	b *budget
}

func (br *budgetReader) Read(p []byte) (int, error) {
	b := br.b
	if err := b.ctx.Err(); err != nil {
		b.spent = err
		return 0, err
	}
	left := b.limits.MaxInflate - b.inflated
	if left <= 0 {
		b.spent = fmt.Errorf("%w: %d bytes inflated, the MaxInflate limit", errBudget, b.inflated)
		return 0, b.spent
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	n, err := br.r.Read(p)
	b.inflated += int64(n)
	return n, err
}

// stopped reports whether err means the budget or the context ended the
// reading (as opposed to a bad entry).
func stopped(err error) bool {
	return errors.Is(err, errBudget) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// open reads one entry through the per-entry limit and the layer budget.
// With head, reading stops at the first blank line: METADATA's headers
// are all that is needed, its long description can be megabytes.
func (b *budget) open(f *zip.File, limit int64, head bool) ([]byte, error) {
	if f.CompressedSize64 > uint64(limit)+uint64(limit/2)+4096 {
		return nil, fmt.Errorf("%d compressed bytes, more than the %d allowed", f.CompressedSize64, limit)
	}
	if err := b.take(); err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	r := b.reader(rc)
	var data []byte
	if b.buf == nil {
		b.buf = make([]byte, 32<<10)
	}
	for int64(len(data)) <= limit {
		n, err := r.Read(b.buf[:min(int64(len(b.buf)), limit+1-int64(len(data)))])
		from := max(len(data)-3, 0)
		data = append(data, b.buf[:n]...)
		if head && (bytes.Contains(data[from:], []byte("\n\n")) || bytes.Contains(data[from:], []byte("\r\n\r\n"))) {
			return data, nil
		}
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("more than %d bytes uncompressed", limit)
}

// overlapping flags the files whose compressed data overlaps the data of
// an earlier one (by offset): no zip writer makes them, a zip bomb does,
// to have one small stream inflated once per entry. The first file of
// each overlapping run is kept, so the same bytes are inflated at most
// once. Files whose data offset cannot be read are not flagged: reading
// them fails on its own.
func overlapping(files []*zip.File) []bool {
	type ext struct {
		start, end int64
		i          int
	}
	exts := make([]ext, 0, len(files))
	for i, f := range files {
		off, err := f.DataOffset()
		if err != nil {
			continue
		}
		exts = append(exts, ext{off, off + int64(min(f.CompressedSize64, 1<<62)), i})
	}
	sort.Slice(exts, func(a, b int) bool {
		if exts[a].start != exts[b].start {
			return exts[a].start < exts[b].start
		}
		return exts[a].i < exts[b].i
	})
	flag := make([]bool, len(files))
	end := int64(-1)
	for _, e := range exts {
		if e.start < end {
			flag[e.i] = true
			continue
		}
		end = max(end, e.end)
	}
	return flag
}

// budgetNote says what the budget left unread and why. A stop at
// MaxReadTime also marks the inventory Incomplete: it depends on the
// machine's speed, so it must not be cached.
func (in *inspector) budgetNote() {
	spent := in.budget.spent
	if spent != nil && !errors.Is(spent, errBudget) && context.Cause(in.budget.ctx) == errTimeBudget {
		in.inv.Incomplete = true
		in.note("reading stopped after %v, the MaxReadTime limit: %d metadata entries not read", in.limits.MaxReadTime, in.unread)
		return
	}
	if in.unread == 0 {
		return
	}
	reason := fmt.Sprintf("more than the %d entries MaxReads allows", in.limits.MaxReads)
	if spent != nil {
		reason = spent.Error()
	}
	in.note("%d metadata entries not read: %s", in.unread, reason)
}
