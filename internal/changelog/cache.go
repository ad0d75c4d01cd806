package changelog

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/bumpbot/bumpbot/internal/layerzip"
)

// Cache keeps inventories on disk by CodeSha256. Layer versions are
// immutable and an inventory depends only on the zip's bytes, so an entry
// never goes stale; a format change is handled by FormatVersion.
type Cache struct {
	Dir string
}

// DefaultCacheDir is bumpbot's directory under the user's cache directory.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cache directory: %w", err)
	}
	return filepath.Join(d, "bumpbot", "inventories"), nil
}

// path names the file for a CodeSha256 (base64, as AWS reports it, which
// holds '/' and '+': the file name is its hex form).
func (c *Cache) path(codeSha256 string) string {
	sum, err := base64.StdEncoding.DecodeString(codeSha256)
	if err != nil || len(sum) != sha256.Size {
		h := sha256.Sum256([]byte(codeSha256))
		sum = h[:]
	}
	return filepath.Join(c.Dir, fmt.Sprintf("v%d-%s.json", layerzip.FormatVersion, hex.EncodeToString(sum)))
}

// Get returns the cached inventory, or false. An unreadable or corrupt
// entry is a miss: the layer is read again and the entry rewritten.
func (c *Cache) Get(codeSha256 string) (*layerzip.Inventory, bool) {
	if c == nil || c.Dir == "" || codeSha256 == "" {
		return nil, false
	}
	data, err := os.ReadFile(c.path(codeSha256))
	if err != nil {
		return nil, false
	}
	var inv layerzip.Inventory
	if json.Unmarshal(data, &inv) != nil || inv.Format != layerzip.FormatVersion {
		return nil, false
	}
	return &inv, true
}

// Put stores an inventory atomically: written to a temporary file in the
// same directory, then renamed, so a reader never sees half an entry.
func (c *Cache) Put(codeSha256 string, inv *layerzip.Inventory) error {
	if c == nil || c.Dir == "" || codeSha256 == "" {
		return nil
	}
	data, err := json.Marshal(inv)
	if err != nil {
		return fmt.Errorf("cache inventory: %w", err)
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return fmt.Errorf("cache inventory: %w", err)
	}
	f, err := os.CreateTemp(c.Dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("cache inventory: %w", err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), c.path(codeSha256))
	}
	if werr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cache inventory: %w", werr)
	}
	return nil
}
