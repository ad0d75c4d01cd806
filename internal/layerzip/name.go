package layerzip

import "strings"

// Unqualified is the package's name without the " (directory)" that an
// inventory appends when one layer holds the name twice in an ecosystem:
// the name a reader and a registry know the package by.
func (p Package) Unqualified() string {
	i := strings.LastIndex(p.Name, " (")
	if i < 0 || !strings.HasSuffix(p.Name, ")") || p.Name[i+2:len(p.Name)-1] != printable(rootOf(p.Path)) {
		return p.Name
	}
	return p.Name[:i]
}

// RegistryName is the name on the ecosystem's registry: Canonical when the
// inventory recorded one (a nested npm package, Maven's group:artifact),
// else the unqualified name.
func (p Package) RegistryName() string {
	if p.Canonical != "" {
		return p.Canonical
	}
	return p.Unqualified()
}
