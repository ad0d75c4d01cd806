// Package changelog tells what changed inside a Lambda layer between two
// versions: packages added, removed, upgraded or downgraded, and the layer's
// own attributes. It reads inventories with layerzip, caches them by
// CodeSha256, and renders Markdown for pull requests and JSON for tools.
package changelog

import (
	"github.com/bumpbot/bumpbot/internal/advisory"
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
	// Paths lists where each version sits, on both sides, when either
	// side holds the package in more than one place.
	Paths *Pair[[]Place] `json:"paths,omitempty"`

	canonical string // registry name for links, when it differs from Name
	key       string // identity, to order names that differ only in case
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
// layer and bytes_read, and advisories when the Builder was given some.
type Changelog struct {
	From      string   `json:"from"`
	To        string   `json:"to"`
	Packages  []Change `json:"packages"`
	Layer     Layer    `json:"layer"`
	BytesRead int64    `json:"bytes_read"`
	// Advisories fixed and introduced by the bump: nil when the Builder
	// had none, or when a side's packages could not be read.
	Advisories *advisory.Changes `json:"advisories,omitempty"`

	// SameContent: both versions have the same CodeSha256, nothing was read.
	SameContent bool `json:"-"`
	// Unzipped sizes, when known (0 otherwise).
	Unzipped Pair[int64] `json:"-"`
	// Notes say what could not be read, for the Markdown body.
	Notes []string `json:"-"`
}

// Diff compares two inventories. A package is its ecosystem and name,
// not the place it is installed at: when a layer holds several versions
// of one, From and To list them all, ascending, the change is judged on
// the highest, and Paths says where each sits. Unchanged packages are
// left out; the order is by ecosystem, then name, so output is
// deterministic.
func Diff(from, to *layerzip.Inventory) []Change {
	old, oldOrder := group(from)
	cur, curOrder := group(to)
	out := []Change{}
	for _, k := range curOrder {
		ps := cur[k]
		qs, ok := old[k]
		if ok && qs.same(ps) {
			continue
		}
		c := newChange(ps, qs, ps)
		c.To = ps.versions()
		if !ok {
			c.Change = Added
		} else {
			c.From, c.Change = qs.versions(), kind(qs.highest().Version, ps.highest().Version)
		}
		out = append(out, c)
	}
	for _, k := range oldOrder {
		if _, ok := cur[k]; !ok {
			qs := old[k]
			c := newChange(qs, qs, nil)
			c.From, c.Change = qs.versions(), Removed
			out = append(out, c)
		}
	}
	layerzip.SortByName(out, func(c Change) (string, string, string) { return c.Ecosystem, c.Name, c.key })
	return out
}

// newChange names a change after the highest version of named, and lists
// the places of both sides when either holds the package more than once.
func newChange(named, from, to installs) Change {
	p := named.highest()
	key, name := identity(p)
	c := Change{Ecosystem: p.Ecosystem, Name: name, canonical: p.Canonical, key: key}
	if len(from) > 1 || len(to) > 1 {
		c.Paths = &Pair[[]Place]{From: from.places(), To: to.places()}
	}
	return c
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
