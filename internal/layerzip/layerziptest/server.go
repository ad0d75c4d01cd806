// Package layerziptest serves layer zips the way S3 serves presigned
// objects, for tests: single Range requests answered with 206 and
// Content-Range, a switch to ignore Range (200 with the whole body), URLs
// that expire (403), and counters of requests and body bytes.
package layerziptest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is an httptest content server. Its methods are safe for
// concurrent use.
type Server struct {
	*httptest.Server

	mu           sync.Mutex
	objects      map[string][]byte
	ignoreRanges bool
	generation   int
	requests     int
	bytes        int64
	ranges       []string
}

// New starts a Server that is closed when the test ends.
func New(tb testing.TB) *Server {
	s := &Server{objects: map[string][]byte{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// Put stores an object under name and returns a URL for it.
func (s *Server) Put(name string, data []byte) string {
	s.mu.Lock()
	s.objects[name] = data
	s.mu.Unlock()
	return s.URLFor(name)
}

// URLFor returns a URL valid until the next Expire, shaped like a
// presigned S3 URL (the signature is in the query).
func (s *Server) URLFor(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.URL + "/" + name + "?X-Amz-Expires=600&X-Amz-Signature=sig" + strconv.Itoa(s.generation)
}

// Expire makes every URL handed out so far answer 403, as S3 does once a
// presigned URL's ten minutes are over. URLs from URLFor after it work.
func (s *Server) Expire() {
	s.mu.Lock()
	s.generation++
	s.mu.Unlock()
}

// IgnoreRanges makes the server answer every request with the whole object
// (200), like a server or proxy without Range support.
func (s *Server) IgnoreRanges(ignore bool) {
	s.mu.Lock()
	s.ignoreRanges = ignore
	s.mu.Unlock()
}

// Stats returns the requests served and the body bytes written since the
// last Reset.
func (s *Server) Stats() (requests int, bytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.bytes
}

// Ranges returns the Range headers received since the last Reset, in order
// ("" for none).
func (s *Server) Ranges() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ranges...)
}

// Reset zeroes the counters.
func (s *Server) Reset() {
	s.mu.Lock()
	s.requests, s.bytes, s.ranges = 0, 0, nil
	s.mu.Unlock()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	data, ok := s.objects[strings.TrimPrefix(r.URL.Path, "/")]
	valid := r.URL.Query().Get("X-Amz-Signature") == "sig"+strconv.Itoa(s.generation)
	ignore := s.ignoreRanges
	s.mu.Unlock()
	if !valid {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`))
		return
	}
	if !ok {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code></Error>`))
		return
	}
	if ignore {
		r.Header.Del("Range")
	}
	if strings.Contains(r.Header.Get("Range"), ",") {
		// S3 serves only single ranges; answer multi-range with the whole
		// object as it does.
		r.Header.Del("Range")
	}
	http.ServeContent(&countingWriter{ResponseWriter: w, s: s}, r, "layer.zip", time.Time{}, bytes.NewReader(data))
}

type countingWriter struct {
	http.ResponseWriter
	s *Server
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.s.mu.Lock()
	c.s.bytes += int64(n)
	c.s.mu.Unlock()
	return n, err
}
