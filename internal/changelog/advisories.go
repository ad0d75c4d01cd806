package changelog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bumpbot/bumpbot/internal/advisory"
)

// advisoryLines renders findings as "urllib3 1.26.5 → 1.26.19 fixes
// GHSA-… (CVE-…)", or "introduces", with the package's versions on both
// sides as the table shows them. A package installed twice yields one
// finding per version but one line. IDs and names come from advisory
// files and layers, someone else's text: escaped as cells are.
func (c *Changelog) advisoryLines(fs []advisory.Finding, verb string) []string {
	var out []string
	for _, f := range fs {
		from, to := f.Version, f.Version
		if p, ok := c.changeFor(f); ok {
			from, to = orGone(p.From), orGone(p.To)
		}
		id := f.Advisory
		if len(f.Aliases) > 0 {
			id += " (" + strings.Join(f.Aliases, ", ") + ")"
		}
		line := fmt.Sprintf("%s %s → %s %s %s", cell(f.Package), cell(from), cell(to), verb, cell(id))
		if !slices.Contains(out, line) {
			out = append(out, line)
		}
	}
	return out
}

// changeFor finds the package change a finding is about.
func (c *Changelog) changeFor(f advisory.Finding) (Change, bool) {
	for _, p := range c.Packages {
		name := p.Name
		if p.canonical != "" {
			name = p.canonical
		}
		if f.Concerns(p.Ecosystem, name) {
			return p, true
		}
	}
	return Change{}, false
}

func orGone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

// writeFixed lists the advisories the bump fixes.
func (c *Changelog) writeFixed(b *strings.Builder) {
	if c.Advisories == nil || len(c.Advisories.Fixed) == 0 {
		return
	}
	b.WriteString("\nAdvisories fixed:\n")
	for _, l := range c.advisoryLines(c.Advisories.Fixed, "fixes") {
		fmt.Fprintf(b, "- %s\n", l)
	}
}

// introduced are the warnings for advisories the bump brings in.
func (c *Changelog) introduced() []string {
	if c.Advisories == nil {
		return nil
	}
	return c.advisoryLines(c.Advisories.Introduced, "introduces")
}
