package webhook

import (
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// Budget bounds the memory held by webhook bodies being read at once. A
// body is read only after it got a share of the budget, sized by its
// Content-Length; beyond the budget the request is answered 503 with
// Retry-After, without reading it. Signatures can only be checked once the
// whole body is read, so without a bound any number of forged 25 MiB
// bodies would be held in memory together.
type Budget struct {
	// Bytes is the total for all bodies being read at once.
	Bytes int64
	// Small is the part of Bytes that only bodies of at most SmallBody
	// bytes may use: GitHub's usual deliveries are small, and still get
	// in while large forged bodies hold the rest.
	Small int64
}

// SmallBody is the largest body that may use the Small share of a Budget.
const SmallBody = 1 << 20

// DefaultBudget lets two full-size (25 MiB) bodies and 8 MiB of small
// ones be read at once.
var DefaultBudget = Budget{Bytes: 64 << 20, Small: 8 << 20}

func (b Budget) validate() error {
	if b.Small < chunkSize || b.Bytes-b.Small < chunkSize {
		return fmt.Errorf("webhook: budget of %d bytes with %d for small bodies leaves no room for one %d-byte buffer in each share", b.Bytes, b.Small, chunkSize)
	}
	return nil
}

// chunkSize is the unit bodies are read in: reservations are rounded up
// to it and buffers of this size are reused from one request to the next.
const chunkSize = 32 << 10

// idleTrim is how long the budget must stay unused before the spare
// buffers are dropped and their memory handed back to the system.
const idleTrim = 2 * time.Second

// memory hands out the budget and the buffers it pays for.
type memory struct {
	mu sync.Mutex
	// shared and small are the free bytes of each share.
	shared, small int64
	inUse         int64
	spare         [][]byte // buffers to reuse; at most the budget's worth
	// trimmed is whether nothing was used since the last trim.
	trimmed bool
	timer   *time.Timer
	// armed is whether timer may still fire: reserve stops it only then,
	// and so keeps the timer's own lock out of most reservations.
	armed bool
	// idle is how long the budget stays unused before a trim (idleTrim).
	idle time.Duration
	// returnMemory hands freed memory back to the system.
	returnMemory func()
}

func newMemory(b Budget) *memory {
	return &memory{shared: b.Bytes - b.Small, small: b.Small, trimmed: true, idle: idleTrim, returnMemory: debug.FreeOSMemory}
}

// reservation is one request's share of the budget.
type reservation struct {
	m         *memory
	size      int64
	fromSmall bool
	chunks    [][]byte
	maxChunks int
	// first is a spare buffer handed out with the share, so that a small
	// body, one chunk, takes the budget's lock once to get in.
	first       []byte
	releaseOnce sync.Once
}

// reserve takes a share for a body of length n (-1: unknown, counted as
// MaxBody), or reports false when the budget cannot pay for it now.
func (m *memory) reserve(n int64) (*reservation, bool) {
	if n < 0 || n > MaxBody {
		n = MaxBody
	}
	// Whole chunks, and one even for an empty body (reading it finds EOF).
	size := max(chunkSize, (n+chunkSize-1)/chunkSize*chunkSize)
	m.mu.Lock()
	defer m.mu.Unlock()
	r := &reservation{m: m, size: size, maxChunks: int(size / chunkSize)}
	switch {
	case m.shared >= size:
		m.shared -= size
	case n <= SmallBody && m.small >= size:
		m.small -= size
		r.fromSmall = true
	default:
		return nil, false
	}
	m.inUse += size
	m.trimmed = false
	if m.armed {
		m.timer.Stop()
		m.armed = false
	}
	if k := len(m.spare); k > 0 {
		r.first, m.spare = m.spare[k-1], m.spare[:k-1]
	}
	return r, true
}

// chunk returns a buffer for the next part of the body, or nil when the
// reservation's buffers are all taken.
func (r *reservation) chunk() []byte {
	if len(r.chunks) == r.maxChunks {
		return nil
	}
	if c := r.first; c != nil {
		r.first = nil
		r.chunks = append(r.chunks, c)
		return c
	}
	r.m.mu.Lock()
	var c []byte
	if k := len(r.m.spare); k > 0 {
		c, r.m.spare = r.m.spare[k-1], r.m.spare[:k-1]
	}
	r.m.mu.Unlock()
	if c == nil {
		c = make([]byte, chunkSize)
	}
	r.chunks = append(r.chunks, c)
	return c
}

// release gives the share and the buffers back. When the whole budget
// is unused it arms the trim.
func (r *reservation) release() {
	r.releaseOnce.Do(func() {
		m := r.m
		m.mu.Lock()
		defer m.mu.Unlock()
		m.spare = append(m.spare, r.chunks...)
		if r.first != nil {
			m.spare = append(m.spare, r.first)
		}
		r.chunks, r.first = nil, nil
		if r.fromSmall {
			m.small += r.size
		} else {
			m.shared += r.size
		}
		m.inUse -= r.size
		if m.inUse == 0 && !m.trimmed {
			if m.timer == nil {
				m.timer = time.AfterFunc(m.idle, m.trim)
			} else {
				m.timer.Reset(m.idle)
			}
			m.armed = true
		}
	})
}

// trim drops the spare buffers once the budget has stayed unused for
// idleTrim, and hands their memory back: after a flood the process
// shrinks back instead of keeping its peak until the runtime's
// scavenger gets to it.
func (m *memory) trim() {
	m.mu.Lock()
	if m.inUse != 0 || m.trimmed {
		m.mu.Unlock()
		return
	}
	m.spare = nil
	m.trimmed = true
	m.mu.Unlock()
	m.returnMemory()
}
