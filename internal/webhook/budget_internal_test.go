package webhook

import (
	"testing"
	"time"
)

// Once the budget is unused again the reused buffers are dropped and the
// memory handed back, once per idle period; shares are whole again.
func TestMemoryTrimsWhenIdle(t *testing.T) {
	t.Parallel()
	m := newMemory(Budget{Bytes: 3 * chunkSize, Small: chunkSize})
	m.idle = time.Millisecond
	trims := make(chan struct{}, 4)
	m.returnMemory = func() { trims <- struct{}{} }

	a, ok := m.reserve(2 * chunkSize)
	if !ok {
		t.Fatal("first reservation refused")
	}
	if _, ok := m.reserve(2 * chunkSize); ok {
		t.Fatal("a reservation beyond the shared share was granted")
	}
	small, ok := m.reserve(100)
	if !ok || !small.fromSmall {
		t.Fatalf("a small body was not given the small share (ok %v)", ok)
	}
	for a.chunk() != nil {
	}
	if len(a.chunks) != 2 {
		t.Errorf("a 2-chunk reservation handed out %d buffers", len(a.chunks))
	}
	a.release()
	a.release() // twice is harmless
	small.release()
	<-trims
	m.mu.Lock()
	spare, shared, sm := len(m.spare), m.shared, m.small
	m.mu.Unlock()
	if spare != 0 || shared != 2*chunkSize || sm != chunkSize {
		t.Errorf("after the trim: %d spare buffers, shares %d/%d; want 0, %d/%d", spare, shared, sm, 2*chunkSize, chunkSize)
	}
	if _, ok := m.reserve(2 * chunkSize); !ok {
		t.Error("the whole shared share was not free again")
	}
}

// A reservation gets a reused buffer with its share; the buffer comes
// back on release whether or not the body was read, and is never handed
// to two requests at once.
func TestMemoryHandsSpareBufferWithShare(t *testing.T) {
	t.Parallel()
	m := newMemory(Budget{Bytes: 4 * chunkSize, Small: chunkSize})
	a, _ := m.reserve(100)
	buf := a.chunk()
	a.release()
	if len(m.spare) != 1 {
		t.Fatalf("%d spare buffers after the first release, want 1", len(m.spare))
	}
	unread, _ := m.reserve(100)
	unread.release() // refused before its body was read
	if len(m.spare) != 1 {
		t.Fatalf("%d spare buffers after a release without reading, want 1", len(m.spare))
	}
	b, _ := m.reserve(100)
	c, _ := m.reserve(100)
	bb, cb := b.chunk(), c.chunk()
	if &bb[0] != &buf[0] {
		t.Error("the spare buffer was not reused by the next reservation")
	}
	if &cb[0] == &bb[0] {
		t.Error("one buffer was handed to two reservations")
	}
	if b.chunk() != nil {
		t.Error("a one-chunk reservation handed out a second buffer")
	}
	b.release()
	c.release()
	if len(m.spare) != 2 {
		t.Errorf("%d spare buffers after both releases, want 2", len(m.spare))
	}
}
