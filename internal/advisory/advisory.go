// Package advisory matches OSV advisories (the format osv.dev publishes:
// one JSON document per advisory) against the packages inside a layer
// version, as its inventory lists them. Version ranges are evaluated by
// each ecosystem's own rules (osv-scalibr's semantic package), never by
// comparing strings.
package advisory

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/google/osv-scalibr/semantic"

	"github.com/bumpbot/bumpbot/internal/layerzip"
)

// Advisory is the part of an OSV document bumpbot reads.
type Advisory struct {
	ID       string     `json:"id"`
	Aliases  []string   `json:"aliases"`
	Summary  string     `json:"summary"`
	Affected []Affected `json:"affected"`
}

// Affected names a package and the versions of it an advisory concerns.
type Affected struct {
	Package struct {
		Ecosystem string `json:"ecosystem"`
		Name      string `json:"name"`
	} `json:"package"`
	Ranges []struct {
		Type   string  `json:"type"`
		Events []Event `json:"events"`
	} `json:"ranges"`
	Versions []string `json:"versions"`
}

// Event is one OSV range event; exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
}

// Load reads every *.json file under each path (a file or a folder).
// A file that does not parse is an error naming it.
func Load(paths ...string) ([]Advisory, error) {
	var out []Advisory
	for _, root := range paths {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(p, ".json") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			var a Advisory
			if err := json.Unmarshal(b, &a); err != nil {
				return fmt.Errorf("%s: not an OSV advisory: %w", p, err)
			}
			if a.ID == "" {
				return fmt.Errorf("%s: an OSV advisory needs an id", p)
			}
			out = append(out, a)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("advisories: %w", err)
		}
	}
	return out, nil
}

// ecosystems maps the inventory's ecosystems to OSV's.
var ecosystems = map[string]string{"python": "PyPI", "node": "npm", "ruby": "RubyGems", "java": "Maven"}

// Finding is one package of a layer an advisory affects.
type Finding struct {
	Advisory  string   `json:"advisory"`
	Aliases   []string `json:"aliases,omitempty"`
	Summary   string   `json:"summary,omitempty"`
	Ecosystem string   `json:"ecosystem"`
	Package   string   `json:"package"`
	Version   string   `json:"version"`
	// Fixed lists the versions the advisory says fix it.
	Fixed []string `json:"fixed,omitempty"`
}

// Concerns reports whether f is about the package an inventory calls
// name (its registry name: Canonical when it has one) in ecosystem.
func (f Finding) Concerns(ecosystem, name string) bool {
	eco, ok := ecosystems[ecosystem]
	return ok && eco == f.Ecosystem && normalize(eco, name) == normalize(eco, f.Package)
}

// Match returns the findings of advisories in inv, sorted by advisory and
// package.
func Match(advisories []Advisory, inv *layerzip.Inventory) []Finding {
	var out []Finding
	for _, p := range inv.Packages {
		eco, ok := ecosystems[p.Ecosystem]
		if !ok || p.Version == "" {
			continue
		}
		name := osvName(p)
		for _, a := range advisories {
			for _, af := range a.Affected {
				if af.Package.Ecosystem != eco || normalize(eco, af.Package.Name) != normalize(eco, name) {
					continue
				}
				if affects(af, eco, p.Version) {
					out = append(out, Finding{Advisory: a.ID, Aliases: a.Aliases, Summary: a.Summary, Ecosystem: eco,
						Package: af.Package.Name, Version: p.Version, Fixed: fixes(af)})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Advisory != out[j].Advisory {
			return out[i].Advisory < out[j].Advisory
		}
		return out[i].Package+out[i].Version < out[j].Package+out[j].Version
	})
	return slices.CompactFunc(out, func(a, b Finding) bool {
		return a.Advisory == b.Advisory && a.Package == b.Package && a.Version == b.Version
	})
}

// osvName is a package's name on its registry, whatever directory of
// the layer it sits in.
func osvName(p layerzip.Package) string {
	if i := strings.LastIndex(p.Name, "node_modules/"); i >= 0 && p.Canonical == "" {
		return p.Name[i+len("node_modules/"):]
	}
	return p.RegistryName()
}

// normalize compares names as the registry does: PyPI ignores case and
// treats -, _ and . alike (PEP 503); the others compare exactly.
func normalize(eco, name string) string {
	if eco != "PyPI" {
		return name
	}
	return strings.NewReplacer("_", "-", ".", "-").Replace(strings.ToLower(name))
}

// affects evaluates OSV's rules: an explicit version list, or ranges of
// events in version order (introduced opens, fixed closes before it,
// last_affected closes after it). GIT ranges name commits and are
// skipped: a layer's packages carry versions, not commits.
func affects(af Affected, eco, version string) bool {
	if slices.Contains(af.Versions, version) {
		return true
	}
	v, err := semantic.Parse(version, eco)
	if err != nil {
		return false
	}
	cmp := func(other string) (int, bool) {
		c, err := v.CompareStr(other)
		return c, err == nil
	}
	for _, r := range af.Ranges {
		if r.Type == "GIT" {
			continue
		}
		if inRange(r.Events, cmp) {
			return true
		}
	}
	return false
}

// inRange walks one range's events; cmp compares the package's version
// with another (negative: older).
func inRange(events []Event, cmp func(string) (int, bool)) bool {
	affected := false
	for _, e := range events {
		switch {
		case e.Introduced != "":
			if e.Introduced == "0" {
				affected = true
			} else if c, ok := cmp(e.Introduced); ok && c >= 0 {
				affected = true
			}
		case e.Fixed != "":
			if c, ok := cmp(e.Fixed); ok && c >= 0 {
				affected = false
			}
		case e.LastAffected != "":
			if c, ok := cmp(e.LastAffected); ok && c > 0 {
				affected = false
			}
		}
	}
	return affected
}

// fixes lists the fixed versions of an affected entry.
func fixes(af Affected) []string {
	var out []string
	for _, r := range af.Ranges {
		for _, e := range r.Events {
			if e.Fixed != "" {
				out = append(out, e.Fixed)
			}
		}
	}
	return out
}

// Changes are the advisories a bump fixes and introduces.
type Changes struct {
	Fixed      []Finding `json:"fixed"`
	Introduced []Finding `json:"introduced"`
}

// Compare returns the advisories affecting from but not to (fixed by the
// bump: "urllib3 1.26.5 → 1.26.19 fixes GHSA-…") and those affecting to
// but not from (introduced), by advisory and package.
func Compare(advisories []Advisory, from, to *layerzip.Inventory) Changes {
	a, b := Match(advisories, from), Match(advisories, to)
	key := func(f Finding) string { return f.Advisory + "\x00" + f.Ecosystem + "\x00" + f.Package }
	in := func(fs []Finding) map[string]bool {
		m := map[string]bool{}
		for _, f := range fs {
			m[key(f)] = true
		}
		return m
	}
	inA, inB := in(a), in(b)
	c := Changes{Fixed: []Finding{}, Introduced: []Finding{}}
	for _, f := range a {
		if !inB[key(f)] {
			c.Fixed = append(c.Fixed, f)
		}
	}
	for _, f := range b {
		if !inA[key(f)] {
			c.Introduced = append(c.Introduced, f)
		}
	}
	return c
}
