// Package layerzip reads what a Lambda layer zip holds without downloading
// it: an io.ReaderAt over HTTP Range requests (or a local file) feeds
// archive/zip, and only the central directory and the few metadata files
// that name packages are fetched, in as few requests as possible.
package layerzip

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"sync"
)

// Stats counts what reading one layer cost: HTTP requests made and layer
// bytes received (for a file:// location, reads and bytes read).
type Stats struct {
	Requests int   `json:"requests"`
	Bytes    int64 `json:"bytes"`
	// EntriesRead and Inflated are what inspecting cost: entries opened
	// (inside jars too) and uncompressed bytes read, the read budget's
	// two counters.
	EntriesRead int   `json:"entries_read"`
	Inflated    int64 `json:"inflated"`
}

// Source is the content of one layer zip, addressed by offset.
type Source interface {
	io.ReaderAt
	// Size is the zip's length in bytes.
	Size() int64
	// Stats reports the cost so far.
	Stats() Stats
	// Err is the first transport error a read met. archive/zip reports
	// read failures as format errors, so the caller asks here whether a
	// failure came from the network (retry later) or from the zip (note it).
	Err() error
	// Close releases the file or temporary download behind the Source.
	Close() error
}

// Options configure Open.
type Options struct {
	// HTTPClient fetches https locations; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Limits bound the read; zero fields take DefaultLimits.
	Limits Limits
	// Refresh returns a fresh location for the same content. It is called
	// at most once, when the server answers 403: presigned S3 URLs expire
	// after about ten minutes.
	Refresh func(ctx context.Context) (string, error)
	// CodeSha256 is the zip's SHA-256 in base64, as AWS reports it; ""
	// when unknown. A whole-zip download (a server that ignores Range) is
	// checked against it; ranged reads cannot be, they skip most bytes.
	CodeSha256 string
}

// ErrLimit marks a read refused because it would exceed a Limits field.
var ErrLimit = errors.New("limit exceeded")

// Open returns a Source for a layer location: an http(s) URL read with
// Range requests, or a file:// URL read directly.
func Open(ctx context.Context, location string, opts Options) (Source, error) {
	opts.Limits = opts.Limits.withDefaults()
	u, err := url.Parse(location)
	if err != nil {
		return nil, fmt.Errorf("layer location: %w", urlError("parse", location, err))
	}
	switch u.Scheme {
	case "file":
		return openFile(u.Path)
	case "http", "https":
		return openRemote(ctx, location, opts)
	default:
		return nil, fmt.Errorf("layer location %q: unsupported scheme %q", redact(location), u.Scheme)
	}
}

// fileSource reads a local zip. When count is false it is the spool of a
// whole download, whose cost was counted by the download itself.
type fileSource struct {
	f      *os.File
	size   int64
	count  bool
	temp   bool
	stats  Stats
	mu     sync.Mutex
	reads  int
	seen   []span // ranges read; the first merged of them sorted and merged
	merged int
}

func openFile(path string) (*fileSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open layer zip: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stat layer zip: %w", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("layer zip %s: not a regular file", path)
	}
	return &fileSource{f: f, size: st.Size(), count: true}, nil
}

func (s *fileSource) ReadAt(p []byte, off int64) (int, error) {
	n, err := s.f.ReadAt(p, off)
	if s.count && n > 0 {
		s.mu.Lock()
		s.reads++
		s.seen = append(s.seen, span{off, off + int64(n)})
		if len(s.seen) >= 2*s.merged+1024 {
			s.seen = mergeSpans(s.seen)
			s.merged = len(s.seen)
		}
		s.mu.Unlock()
	}
	return n, err
}

// mergeSpans sorts spans and merges those that overlap or touch, in
// place, so a byte read twice (archive/zip rereads the end records and
// local headers) is counted once. Reads are appended as they come and
// merged now and then: inserting each one in order cost a copy of every
// later span, quadratic in the entries of a big layer.
func mergeSpans(spans []span) []span {
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	out := spans[:0]
	for _, r := range spans {
		if n := len(out); n > 0 && r.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, r.end)
			continue
		}
		out = append(out, r)
	}
	return out
}

func (s *fileSource) Size() int64 { return s.size }
func (s *fileSource) Err() error  { return nil }

func (s *fileSource) Stats() Stats {
	if !s.count {
		return s.stats
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Requests: s.reads}
	s.seen = mergeSpans(s.seen)
	s.merged = len(s.seen)
	for _, r := range s.seen {
		st.Bytes += r.end - r.start
	}
	return st
}

func (s *fileSource) Close() error {
	err := s.f.Close()
	if s.temp {
		if rerr := os.Remove(s.f.Name()); err == nil {
			err = rerr
		}
	}
	return err
}

// digestError says a whole-zip download is not the content its CodeSha256
// names (a wrong or tampered object, a proxy's error page): Read notes it
// instead of inventorying bytes that are not the layer.
type digestError struct {
	want, got string // base64; got is "" when want is malformed
	stats     Stats
}

func (e *digestError) Error() string {
	if e.got == "" {
		return fmt.Sprintf("layer zip not inventoried: CodeSha256 %q is not a base64 SHA-256, so the download cannot be checked", e.want)
	}
	return fmt.Sprintf("layer zip not inventoried: the download (SHA-256 %s) does not match its CodeSha256 %s", e.got, e.want)
}

// checkDigest compares a download's SHA-256 with the expected base64 one
// ("" means unknown, nothing to check).
func checkDigest(sum []byte, want string, stats Stats) error {
	if want == "" {
		return nil
	}
	exp, err := base64.StdEncoding.DecodeString(want)
	if err != nil || len(exp) != sha256.Size {
		return &digestError{want: want, stats: stats}
	}
	if !bytes.Equal(exp, sum) {
		return &digestError{want: want, got: base64.StdEncoding.EncodeToString(sum), stats: stats}
	}
	return nil
}

// spool copies a whole-zip response body to a temporary file, refusing
// more than limit bytes, so memory stays flat whatever the layer's size,
// and checks it against digest (base64 SHA-256, "" when unknown).
func spool(body io.Reader, declared, limit int64, stats Stats, digest string) (*fileSource, error) {
	if declared > limit {
		return nil, fmt.Errorf("layer zip is %d bytes, more than the %d bytes allowed for a full download: %w", declared, limit, ErrLimit)
	}
	f, err := os.CreateTemp("", "bumpbot-layer-*.zip")
	if err != nil {
		return nil, fmt.Errorf("spool layer zip: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(body, limit+1))
	stats.Bytes += n
	if err == nil && n > limit {
		err = fmt.Errorf("layer zip is more than the %d bytes allowed for a full download: %w", limit, ErrLimit)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("download layer zip: %w", err)
	}
	if err := checkDigest(h.Sum(nil), digest, stats); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &fileSource{f: f, size: n, temp: true, stats: stats}, nil
}
