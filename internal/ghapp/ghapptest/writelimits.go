package ghapptest

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// answered calls leave when the answer's status is written: a write is in
// flight until its answer starts, and a client that waits for it before
// the next write is never taken for a concurrent one, however large the
// body and whenever the handler returns.
type answered struct {
	http.ResponseWriter
	leave func()
}

func (a answered) WriteHeader(code int) {
	a.leave()
	a.ResponseWriter.WriteHeader(code)
}

func (a answered) Write(b []byte) (int, error) {
	a.leave()
	return a.ResponseWriter.Write(b)
}

// WriteLimit is one of GitHub's secondary limits on content creation: at
// most N writes of an installation in any Per.
type WriteLimit struct {
	N   int
	Per time.Duration
}

// SetLatency makes the fake take d before it answers each request (the
// wait happens outside its lock, so requests overlap as on GitHub).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetWriteLimits makes the fake enforce GitHub's secondary limits on
// each installation's writes (POST, PATCH, PUT, DELETE; token creation
// excepted): a write that would be one too many in a window, or that
// arrives while another write of the installation is still being
// answered, gets GitHub's secondary-rate-limit answer (403, Retry-After,
// the documented message) and has no effect. Counts.SecondaryLimited
// counts those answers. Writes are counted when they arrive.
func (s *Server) SetWriteLimits(limits ...WriteLimit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writeLimits = limits
	s.writeLog = map[int64][]time.Time{}
	s.flightMu.Lock()
	s.inFlight = map[int64]int{}
	s.flightMu.Unlock()
}

// isWrite reports a content-creating request of an installation.
func isWrite(r *http.Request) bool {
	return r.Method != http.MethodGet && r.Method != http.MethodHead && !strings.HasPrefix(r.URL.Path, "/app")
}

// arrive records a request's arrival before its latency: for a write of
// an installation, whether another was in flight. It returns leave, to
// call once the answer starts (answered wraps w to call it then).
func (s *Server) arrive(r *http.Request) (concurrent bool, at time.Time, leave func()) {
	at = time.Now()
	s.mu.Lock()
	lat := s.latency
	inst, ok := s.tokens[bearer(r)]
	write := ok && isWrite(r) && s.writeLimits != nil
	s.mu.Unlock()
	leave = func() {}
	if write {
		// Its own lock: leave runs while the handler holds s.mu.
		s.flightMu.Lock()
		s.inFlight[inst]++
		concurrent = s.inFlight[inst] > 1
		s.flightMu.Unlock()
		var once sync.Once
		leave = func() {
			once.Do(func() {
				s.flightMu.Lock()
				s.inFlight[inst]--
				s.flightMu.Unlock()
			})
		}
	}
	if lat > 0 {
		time.Sleep(lat)
	}
	return concurrent, at, leave
}

// overLimit reports, for a write of inst that arrived at, whether it
// breaks a limit, and how long until it would not; a write within the
// limits is recorded. Call with s.mu held.
func (s *Server) overLimit(inst int64, at time.Time, concurrent bool) (bool, time.Duration) {
	if s.writeLimits == nil || inst == 0 {
		return false, 0
	}
	if concurrent {
		return true, time.Second
	}
	log := s.writeLog[inst]
	longest := time.Duration(0)
	for _, w := range s.writeLimits {
		longest = max(longest, w.Per)
	}
	for len(log) > 0 && at.Sub(log[0]) >= longest {
		log = log[1:]
	}
	wait := time.Duration(0)
	for _, w := range s.writeLimits {
		n := 0
		for i := len(log) - 1; i >= 0 && at.Sub(log[i]) < w.Per; i-- {
			n++
		}
		if n >= w.N {
			wait = max(wait, w.Per-at.Sub(log[len(log)-w.N]))
		}
	}
	if wait > 0 {
		s.writeLog[inst] = log
		return true, wait
	}
	s.writeLog[inst] = append(log, at)
	return false, 0
}
