package layerzip

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
)

const (
	// tailSize is what the first request fetches: archive/zip looks for
	// the end-of-central-directory record in the last 1 KiB, then in the
	// last 65 KiB (a record plus the longest possible comment).
	tailSize = 65 * 1024
	// readAhead is the least a cache miss fetches, so small sequential
	// reads of an unplanned region cost one request, not one each.
	readAhead = 64 * 1024
)

// errProbe is what ReadAt answers while probing: the offset was recorded
// and nothing was fetched.
var errProbe = errors.New("probe: not fetched")

// block is a fetched run of layer bytes.
type block struct {
	off  int64
	data []byte
}

// remote is a Source over HTTP Range requests. It keeps only the bytes that
// were asked for (gaps inside a coalesced request are discarded), so memory
// follows what was needed, not how the requests were shaped.
type remote struct {
	ctx     context.Context
	client  *http.Client
	limits  Limits
	refresh func(context.Context) (string, error)

	mu        sync.Mutex
	url       string
	refreshed bool
	size      int64
	blocks    []block // sorted by off; may overlap
	stats     Stats
	err       error
	probing   bool
	probes    []int64
}

// openRemote fetches the tail of the zip, learning its size from
// Content-Range. A 200 answer means the server ignores Range: the whole
// body is then spooled to a temporary file within Limits.MaxDownload.
func openRemote(ctx context.Context, location string, opts Options) (Source, error) {
	client := opts.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	r := &remote{ctx: ctx, client: client, limits: opts.Limits, refresh: opts.Refresh, url: location}
	resp, err := r.get(fmt.Sprintf("bytes=-%d", tailSize))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return spool(resp.Body, resp.ContentLength, r.limits.MaxDownload, r.stats, opts.CodeSha256)
	case http.StatusRequestedRangeNotSatisfiable:
		// S3 answers 416 to a suffix range on an empty object.
		return r, nil
	}
	if strings.HasSuffix(resp.Header.Get("Content-Range"), "/0") {
		return r, nil // an empty object
	}
	start, end, total, err := parseContentRange(resp.Header.Get("Content-Range"))
	if err != nil {
		return nil, err
	}
	if end-start+1 > tailSize || total > r.limits.MaxDownload {
		return nil, fmt.Errorf("layer zip: range answer %d-%d/%d does not fit the request: %w", start, end, total, ErrLimit)
	}
	r.size = total
	data, err := io.ReadAll(r.count(io.LimitReader(resp.Body, end-start+1)))
	if err != nil {
		return nil, fmt.Errorf("read layer zip tail: %w", err)
	}
	if int64(len(data)) != end-start+1 {
		return nil, fmt.Errorf("read layer zip tail: short body (%d of %d bytes)", len(data), end-start+1)
	}
	r.insert(block{off: start, data: data})
	return r, nil
}

// get sends one GET with a Range header. On 403 it asks Refresh for a
// fresh URL once and retries: a presigned URL may expire mid-changelog.
func (r *remote) get(rng string) (*http.Response, error) {
	for {
		req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, r.url, nil)
		if err != nil {
			return nil, fmt.Errorf("layer zip request: %w", urlError("GET", r.url, err))
		}
		req.Header.Set("Range", rng)
		r.stats.Requests++
		resp, err := r.client.Do(req)
		if err != nil {
			return nil, urlError("GET", r.url, err)
		}
		switch resp.StatusCode {
		case http.StatusOK, http.StatusPartialContent, http.StatusRequestedRangeNotSatisfiable:
			return resp, nil
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusForbidden && r.refresh != nil && !r.refreshed {
			r.refreshed = true
			u, err := r.refresh(r.ctx)
			if err != nil {
				return nil, fmt.Errorf("refresh expired layer URL: %w", err)
			}
			r.url = u
			continue
		}
		return nil, fmt.Errorf("GET %s: %s", redact(r.url), resp.Status)
	}
}

// count wraps a body so every byte received is counted.
func (r *remote) count(body io.Reader) io.Reader { return &countingReader{r: body, n: &r.stats.Bytes} }

type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// parseContentRange parses "bytes START-END/TOTAL".
func parseContentRange(v string) (start, end, total int64, err error) {
	rest, ok := strings.CutPrefix(v, "bytes ")
	rng, tot, ok2 := strings.Cut(rest, "/")
	a, b, ok3 := strings.Cut(rng, "-")
	if ok && ok2 && ok3 {
		start, err1 := strconv.ParseInt(a, 10, 64)
		end, err2 := strconv.ParseInt(b, 10, 64)
		total, err3 := strconv.ParseInt(tot, 10, 64)
		if err1 == nil && err2 == nil && err3 == nil && 0 <= start && start <= end && end < total {
			return start, end, total, nil
		}
	}
	return 0, 0, 0, fmt.Errorf("layer zip: bad Content-Range %q", v)
}

func (r *remote) Size() int64 { return r.size }
func (r *remote) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.blocks = nil
	return nil
}

func (r *remote) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

func (r *remote) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// ReadAt serves from fetched blocks; a miss fetches at least readAhead
// bytes (stopping at the next fetched block), or only records the offset
// while probing.
func (r *remote) ReadAt(p []byte, off int64) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if off < 0 {
		return 0, fmt.Errorf("layer zip: negative offset %d", off)
	}
	if off >= r.size {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), r.size)
	if b, ok := r.lookup(off, end); ok {
		n := copy(p, b)
		if n < len(p) {
			return n, io.EOF
		}
		return n, nil
	}
	if r.probing {
		r.probes = append(r.probes, off)
		return 0, errProbe
	}
	if r.err != nil {
		return 0, r.err
	}
	fetchEnd := min(max(end, off+readAhead), r.size)
	i := sort.Search(len(r.blocks), func(i int) bool { return r.blocks[i].off >= end })
	if i < len(r.blocks) && r.blocks[i].off < fetchEnd {
		fetchEnd = r.blocks[i].off
	}
	if err := r.fetch(off, fetchEnd, []span{{off, fetchEnd}}); err != nil {
		r.err = err
		return 0, err
	}
	return r.copyCached(p, off, end)
}

// copyCached copies a range that a fetch has just made available.
func (r *remote) copyCached(p []byte, off, end int64) (int, error) {
	b, ok := r.lookup(off, end)
	if !ok {
		return 0, fmt.Errorf("layer zip: range %d-%d missing after fetch", off, end)
	}
	n := copy(p, b)
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// lookup returns the cached bytes [off, end) when one block holds them.
func (r *remote) lookup(off, end int64) ([]byte, bool) {
	i := sort.Search(len(r.blocks), func(i int) bool { return r.blocks[i].off > off })
	for j := i - 1; j >= 0; j-- {
		b := r.blocks[j]
		if b.off+int64(len(b.data)) >= end {
			return b.data[off-b.off : end-b.off], true
		}
		if off-b.off > r.limits.MaxFetch {
			break
		}
	}
	return nil, false
}

func (r *remote) insert(b block) {
	i := sort.Search(len(r.blocks), func(i int) bool { return r.blocks[i].off > b.off })
	r.blocks = append(r.blocks, block{})
	copy(r.blocks[i+1:], r.blocks[i:])
	r.blocks[i] = b
}

// fetch gets [start, end) in one request and keeps only the pieces (sorted,
// disjoint, inside the range); the rest of the body is discarded.
func (r *remote) fetch(start, end int64, pieces []span) error {
	if r.stats.Bytes+(end-start) > r.limits.MaxFetch {
		return fmt.Errorf("layer zip: fetching %d more bytes would pass the %d-byte limit: %w", end-start, r.limits.MaxFetch, ErrLimit)
	}
	resp, err := r.get(fmt.Sprintf("bytes=%d-%d", start, end-1))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	pos := int64(0) // where the body starts in the zip
	switch resp.StatusCode {
	case http.StatusPartialContent:
		s, _, _, err := parseContentRange(resp.Header.Get("Content-Range"))
		if err != nil {
			return err
		}
		if s != start {
			return fmt.Errorf("layer zip: asked for bytes from %d, got from %d", start, s)
		}
		pos = start
	case http.StatusOK:
		// The server stopped honouring Range: skip to start, within budget.
		if r.stats.Bytes+end > r.limits.MaxFetch {
			return fmt.Errorf("layer zip: server ignores Range and %d bytes would pass the %d-byte limit: %w", end, r.limits.MaxFetch, ErrLimit)
		}
	default:
		return fmt.Errorf("layer zip: range %d-%d: %s", start, end-1, resp.Status)
	}
	body := r.count(io.LimitReader(resp.Body, end-pos))
	for _, p := range pieces {
		if _, err := io.CopyN(io.Discard, body, p.start-pos); err != nil {
			return fmt.Errorf("layer zip: read range %d-%d: %w", start, end-1, err)
		}
		data := make([]byte, p.end-p.start)
		if _, err := io.ReadFull(body, data); err != nil {
			return fmt.Errorf("layer zip: read range %d-%d: %w", start, end-1, err)
		}
		r.insert(block{off: p.start, data: data})
		pos = p.end
	}
	return nil
}
