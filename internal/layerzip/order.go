package layerzip

import (
	"cmp"
	"slices"
	"strings"
)

// SortByName sorts items by ecosystem, then name ignoring case, then name
// and tie exactly: the order of inventories and changelogs. Lowercase
// names are computed once, not in every comparison: with thousands of
// long names the comparisons' allocations were most of a read's time.
func SortByName[T any](items []T, key func(T) (ecosystem, name, tie string)) {
	type keyed struct {
		eco, lower, name, tie string
		v                     T
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		e, n, t := key(it)
		ks[i] = keyed{e, strings.ToLower(n), n, t, it}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.eco, b.eco), cmp.Compare(a.lower, b.lower), cmp.Compare(a.name, b.name), cmp.Compare(a.tie, b.tie))
	})
	for i := range ks {
		items[i] = ks[i].v
	}
}
