package worktree

import (
	"path/filepath"
	"sync"
)

// Claims is the set of real files already handed to a Dir, shared by the
// Dirs of one command so that each file is read, diffed and written once
// whatever the arguments and links that reach it. The zero value is
// ready; a nil *Claims claims nothing (every file is new).
type Claims struct {
	mu   sync.Mutex
	seen map[string]bool
}

// claim reports whether the file at p was not claimed yet, and claims it.
// Files are compared by their absolute path with links resolved.
func (c *Claims) claim(p string) bool {
	if c == nil {
		return true
	}
	key, err := filepath.EvalSymlinks(p)
	if err == nil {
		key, err = filepath.Abs(key)
	}
	if err != nil {
		key = p // the read will say what is wrong with it
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if c.seen[key] {
		return false
	}
	c.seen[key] = true
	return true
}
