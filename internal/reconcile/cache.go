package reconcile

import (
	"context"
	"sync"
)

// BlobCache keeps, per repository, the candidate files read by the last
// reconcile, by content SHA, so a reconcile reads only files whose SHA
// changed. NewBlobCache keeps them in memory (after a restart the first
// reconcile of each repository reads its candidates again);
// NewStoredBlobCache keeps them in a BlobStore, a database that outlives
// the process.
type BlobCache struct {
	mu    sync.Mutex
	repos map[string]map[string][]byte
	store BlobStore
}

// BlobStore keeps a BlobCache's files outside the process.
type BlobStore interface {
	// LoadBlobs returns what SaveBlobs last stored under key, nil when
	// nothing was.
	LoadBlobs(ctx context.Context, key string) (map[string][]byte, error)
	// SaveBlobs stores blobs under key, in place of what was there.
	SaveBlobs(ctx context.Context, key string, blobs map[string][]byte) error
}

// NewBlobCache returns an empty cache in memory.
func NewBlobCache() *BlobCache { return &BlobCache{repos: map[string]map[string][]byte{}} }

// NewStoredBlobCache returns a cache kept in s; nothing is kept in memory.
func NewStoredBlobCache(s BlobStore) *BlobCache { return &BlobCache{store: s} }

// get returns the files of key. A store that fails is a miss: the files
// are read again.
func (c *BlobCache) get(ctx context.Context, key string) map[string][]byte {
	if c == nil {
		return nil
	}
	if c.store != nil {
		blobs, err := c.store.LoadBlobs(ctx, key)
		if err != nil {
			return nil
		}
		return blobs
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.repos[key]
}

// put records the files of key; a store that fails costs reads later,
// never correctness.
func (c *BlobCache) put(ctx context.Context, key string, blobs map[string][]byte) {
	if c == nil {
		return
	}
	if c.store != nil {
		_ = c.store.SaveBlobs(ctx, key, blobs)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.repos[key] = blobs
}
