// Package changelog tells what changed inside a Lambda layer between two
// versions: packages added, removed, upgraded or downgraded, and the layer's
// own attributes. It reads inventories with layerzip, caches them by
// CodeSha256, and renders Markdown for pull requests and JSON for tools.
package changelog

import (
	"github.com/bumpbot/bumpbot/internal/layerzip"
)

// Kinds of Change.
const (
	Added      = "added"
	Removed    = "removed"
	Upgraded   = "upgraded"
	Downgraded = "downgraded"
	Changed    = "changed"
)

// Change is one package that differs. Field names and JSON keys are a
// contract (`bumpbot changelog --json`).
type Change struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	From      string `json:"from"`
	To        string `json:"to"`
	Change    string `json:"change"`

	canonical string // registry name for links, when it differs from Name
}

// Pair is one attribute's value on each side.
type Pair[T any] struct {
	From T `json:"from"`
	To   T `json:"to"`
}

// Layer holds the layer-level attributes of both versions.
type Layer struct {
	Runtimes      Pair[[]string] `json:"runtimes"`
	Architectures Pair[[]string] `json:"architectures"`
	Size          Pair[int64]    `json:"size"`
	License       Pair[string]   `json:"license"`
	Description   Pair[string]   `json:"description"`
}

// Changelog is the difference between two layer versions. Its JSON form is
// the contract of `bumpbot changelog --json`: exactly from, to, packages,
// layer and bytes_read.
type Changelog struct {
	From      string   `json:"from"`
	To        string   `json:"to"`
	Packages  []Change `json:"packages"`
	Layer     Layer    `json:"layer"`
	BytesRead int64    `json:"bytes_read"`

	// SameContent: both versions have the same CodeSha256, nothing was read.
	SameContent bool `json:"-"`
	// Unzipped sizes, when known (0 otherwise).
	Unzipped Pair[int64] `json:"-"`
	// Notes say what could not be read, for the Markdown body.
	Notes []string `json:"-"`
}

// Diff compares two inventories. Unchanged packages are left out; the
// order is by ecosystem, then name, so output is deterministic.
func Diff(from, to *layerzip.Inventory) []Change {
	old := index(from)
	out := []Change{}
	seen := map[string]bool{}
	for _, p := range to.Packages {
		k := key(p)
		seen[k] = true
		c := Change{Ecosystem: p.Ecosystem, Name: p.Name, To: p.Version, canonical: p.Canonical}
		q, ok := old[k]
		switch {
		case !ok:
			c.Change = Added
		case q.Version == p.Version && q.Digest == p.Digest:
			continue
		default:
			c.From, c.Change = q.Version, kind(q.Version, p.Version)
		}
		out = append(out, c)
	}
	for _, p := range from.Packages {
		if !seen[key(p)] {
			out = append(out, Change{Ecosystem: p.Ecosystem, Name: p.Name, From: p.Version, Change: Removed, canonical: p.Canonical})
		}
	}
	layerzip.SortByName(out, func(c Change) (string, string, string) { return c.Ecosystem, c.Name, "" })
	return out
}

func index(inv *layerzip.Inventory) map[string]layerzip.Package {
	m := map[string]layerzip.Package{}
	for _, p := range inv.Packages {
		m[key(p)] = p
	}
	return m
}

func key(p layerzip.Package) string {
	return p.Ecosystem + "\x00" + layerzip.Key(p.Ecosystem, p.Name)
}

// kind names a version change; equal or unordered versions with
// different content are "changed".
func kind(from, to string) string {
	if c, ok := compareVersions(from, to); ok && c != 0 {
		if c < 0 {
			return Upgraded
		}
		return Downgraded
	}
	return Changed
}

// Counts returns how many changes of each kind there are.
func (c *Changelog) Counts() map[string]int {
	m := map[string]int{}
	for _, p := range c.Packages {
		m[p.Change]++
	}
	return m
}
