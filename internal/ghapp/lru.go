package ghapp

import (
	"container/list"
	"strconv"
	"sync"
)

// lru is a least-recently-used map bounded by the total cost of its
// entries (bytes, or 1 per entry for a count). A long-running server
// meets an ever-growing set of installations, repositories and URLs; every
// cache it keeps about them is one of these, so memory stays bounded
// whatever the traffic. It is safe for concurrent use.
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // front: most recently used; of *lruEntry[K, V]
	items map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key  K
	val  V
	cost int64
}

func newLRU[K comparable, V any](max int64) *lru[K, V] {
	return &lru[K, V]{max: max, order: list.New(), items: map[K]*list.Element{}}
}

// get returns the value of k and marks it used.
func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry[K, V]).val, true
}

// add sets k to v, which costs cost, and evicts the least recently used
// entries until the total fits. A value costing more than the whole
// bound is not kept (and any older value of k is dropped).
func (c *lru[K, V]) add(k K, v V, cost int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeLocked(k)
	if cost > c.max {
		return
	}
	c.items[k] = c.order.PushFront(&lruEntry[K, V]{key: k, val: v, cost: cost})
	c.size += cost
	for c.size > c.max {
		c.removeLocked(c.order.Back().Value.(*lruEntry[K, V]).key)
	}
}

// remove drops k.
func (c *lru[K, V]) remove(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeLocked(k)
}

func (c *lru[K, V]) removeLocked(k K) {
	if el, ok := c.items[k]; ok {
		c.size -= el.Value.(*lruEntry[K, V]).cost
		c.order.Remove(el)
		delete(c.items, k)
	}
}

// stats returns the number of entries and their total cost.
func (c *lru[K, V]) stats() (n int, cost int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.size
}

// httpCache is one installation's view of the app's shared HTTP cache (an
// httpcache.Cache): keys are prefixed with the installation, since GitHub
// answers the same URL differently for different installations. The
// shared cache is bounded in bytes, so cached answers of evicted clients
// and of repositories not seen for long are dropped in time.
type httpCache struct {
	prefix string
	bytes  *lru[string, []byte]
}

func newHTTPCache(shared *lru[string, []byte], installation int64) httpCache {
	return httpCache{prefix: strconv.FormatInt(installation, 10) + " ", bytes: shared}
}

// Get returns the stored response of key.
func (h httpCache) Get(key string) ([]byte, bool) { return h.bytes.get(h.prefix + key) }

// Set stores a response (headers and body, as httpcache dumps it); its
// cost is its size and its key's.
func (h httpCache) Set(key string, resp []byte) {
	k := h.prefix + key
	h.bytes.add(k, resp, int64(len(k)+len(resp)))
}

// Delete drops key.
func (h httpCache) Delete(key string) { h.bytes.remove(h.prefix + key) }
