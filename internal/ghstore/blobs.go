package ghstore

import (
	"context"
	"encoding/json"
	"fmt"
)

// LoadBlobs returns the files a repository's last reconcile read, by
// content SHA (nil for a file known not to be worth planning); key names
// the repository. It implements reconcile.BlobStore.
func (s *Store) LoadBlobs(ctx context.Context, key string) (map[string][]byte, error) {
	raw, ok, err := s.GetContext(ctx, KindBlob, key)
	if err != nil || !ok {
		return nil, err
	}
	var blobs map[string][]byte
	if err := json.Unmarshal(raw, &blobs); err != nil {
		// A damaged entry is a miss: the files are read again.
		return nil, nil //nolint:nilerr // a cache miss, not a failure
	}
	return blobs, nil
}

// SaveBlobs records the files a repository's reconcile read, in place of
// the previous ones.
func (s *Store) SaveBlobs(ctx context.Context, key string, blobs map[string][]byte) error {
	raw, err := json.Marshal(blobs)
	if err != nil {
		return fmt.Errorf("github cache: files of %s: %w", key, err)
	}
	return s.SetContext(ctx, KindBlob, key, raw)
}
