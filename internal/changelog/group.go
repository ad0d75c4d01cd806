package changelog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bumpbot/bumpbot/internal/layerzip"
)

// Place is where one version of a package sits in a layer: the zip entry
// it was read from.
type Place struct {
	Version string `json:"version"`
	Path    string `json:"path"`
}

// installs are one layer's copies of one package, oldest version first.
type installs []layerzip.Package

// identity is what makes two inventory entries the same package: its
// ecosystem and its name there, never the directory it was installed in.
// A nested npm package is its registry name (axios/node_modules/x is x);
// Python names compare as PEP 503 normalizes them. Native libraries and
// other files have no registry: their name is their place.
func identity(p layerzip.Package) (key, name string) {
	switch p.Ecosystem {
	case layerzip.Node:
		name = p.RegistryName()
	case layerzip.Python, layerzip.Ruby, layerzip.Java:
		name = p.Unqualified()
	default:
		name = p.Name
	}
	return p.Ecosystem + "\x00" + layerzip.Key(p.Ecosystem, name), name
}

// group gathers an inventory's packages by identity, each group sorted by
// version, and lists the identities in the inventory's order: a diff
// built in that order is nearly sorted already, which the final stable
// sort then runs through quickly (in map order it was most of a diff's
// time).
func group(inv *layerzip.Inventory) (map[string]installs, []string) {
	m := map[string]installs{}
	var order []string
	for _, p := range inv.Packages {
		k, _ := identity(p)
		if _, ok := m[k]; !ok {
			order = append(order, k)
		}
		m[k] = append(m[k], p)
	}
	for _, ps := range m {
		if len(ps) == 1 {
			continue // most packages: nothing to sort
		}
		slices.SortStableFunc(ps, func(a, b layerzip.Package) int {
			return strings.Compare(a.Path, b.Path)
		})
		slices.SortStableFunc(ps, func(a, b layerzip.Package) int { return versionOrder(a.Version, b.Version) })
	}
	return m, order
}

// versionOrder orders versions as compareVersions does, and versions it
// cannot order as strings, so a list always comes out the same.
func versionOrder(a, b string) int {
	if c, ok := compareVersions(a, b); ok && c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// highest is the package whose version judges the change.
func (ps installs) highest() layerzip.Package { return ps[len(ps)-1] }

// versions lists the distinct versions, ascending, joined with ", ".
func (ps installs) versions() string {
	if len(ps) == 1 {
		return ps[0].Version
	}
	var vs []string
	for _, p := range ps {
		if p.Version != "" && !slices.Contains(vs, p.Version) {
			vs = append(vs, p.Version)
		}
	}
	return strings.Join(vs, ", ")
}

// same reports whether both sides hold the same versions with the same
// content, wherever they sit: a package moved by a new node_modules
// layout is no change.
func (ps installs) same(qs installs) bool {
	if len(ps) == 1 && len(qs) == 1 {
		return ps[0].Version == qs[0].Version && ps[0].Digest == qs[0].Digest
	}
	sig := func(is installs) []string {
		var s []string
		for _, p := range is {
			s = append(s, p.Version+"\x00"+p.Digest)
		}
		slices.Sort(s)
		return slices.Compact(s)
	}
	return slices.Equal(sig(ps), sig(qs))
}

// places lists where each install sits; never nil, for JSON.
func (ps installs) places() []Place {
	out := []Place{}
	for _, p := range ps {
		out = append(out, Place{Version: p.Version, Path: p.Path})
	}
	return out
}

// writeCopies says where each version sits for the packages a side holds
// more than once, under the table whose From and To only list versions.
func (c *Changelog) writeCopies(b *strings.Builder) {
	first := true
	for _, p := range c.Packages {
		if p.Paths == nil {
			continue
		}
		if first {
			b.WriteString("\nPackages in several places:\n")
			first = false
		}
		fmt.Fprintf(b, "- %s (%s): %s → %s\n", cell(p.Name), p.Ecosystem, placesText(p.Paths.From), placesText(p.Paths.To))
	}
}

// maxListed bounds the versions and places Markdown shows per side: a
// node_modules may hold dozens of copies of one package, and a PR body
// has 65,536 characters for every layer's changelog. JSON lists them all.
const maxListed = 8

// shortList joins items, the first maxListed-1 and a count past
// maxListed.
func shortList(items []string, more string) string {
	if len(items) <= maxListed {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:maxListed-1], ", ") + fmt.Sprintf(", … %d more%s", len(items)-maxListed+1, more)
}

func placesText(ps []Place) string {
	if len(ps) == 0 {
		return "—"
	}
	var parts []string
	for _, p := range ps {
		parts = append(parts, fmt.Sprintf("%s in %s", versionCell(p.Version), cell(p.Path)))
	}
	return shortList(parts, " places")
}

// versionsCell shows a side's versions (joined with ", " by Diff) in a
// table cell, bounded.
func versionsCell(vs string) string {
	if vs == "" {
		return versionCell(vs)
	}
	return shortList(strings.Split(versionCell(vs), ", "), "")
}
