package reconcile

import "sync"

// BlobCache keeps, per repository, the candidate files read by the last
// reconcile, by content SHA, so a reconcile reads only files whose SHA
// changed. It lives in memory: after a restart the first reconcile of each
// repository reads its candidates again.
type BlobCache struct {
	mu    sync.Mutex
	repos map[string]map[string][]byte
}

// NewBlobCache returns an empty cache.
func NewBlobCache() *BlobCache { return &BlobCache{repos: map[string]map[string][]byte{}} }

func (c *BlobCache) get(key string) map[string][]byte {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.repos[key]
}

func (c *BlobCache) put(key string, blobs map[string][]byte) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.repos[key] = blobs
}
