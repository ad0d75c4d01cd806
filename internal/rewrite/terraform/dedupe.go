package terraform

import (
	"fmt"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/hashicorp/hcl/v2"
)

// dedupe keeps one reference per ARN occurrence. The walker evaluates a
// string at every level it can (a template and the join inside it; a
// local's definition and each place the local is used), so the same ARN,
// from the same first byte, with the same version literal, can be found
// several times:
//   - a shadow (found where a local or variable holding the whole ARN is
//     used) gives way to the definition's own reference, lending it the
//     consuming function when the definition has none;
//   - of two findings whose sites nest, the inner one is kept: it is the
//     expression that builds the ARN, with the most precise context.
//
// Two uses of one local that each add something to it (a version, a
// suffix) are different occurrences and are both kept.
func dedupe(found []finding) []ref.Reference {
	groups := map[string][]int{}
	var order []string
	for i, f := range found {
		k := dedupeKey(f)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	dropped := make([]bool, len(found))
	for _, k := range order {
		g := groups[k]
		for _, i := range g {
			for _, j := range g {
				if i == j || dropped[i] || dropped[j] {
					continue
				}
				if yields(found[i], found[j], i, j) {
					dropped[i] = true
					if found[j].ref.Function == nil {
						found[j].ref.Function = found[i].ref.Function
					}
				}
			}
		}
	}
	out := make([]ref.Reference, 0, len(found))
	for i, f := range found {
		if !dropped[i] {
			out = append(out, f.ref)
		}
	}
	return out
}

// yields reports whether finding a (index i) gives way to b (index j).
func yields(a, b finding, i, j int) bool {
	if a.shadow != b.shadow {
		return a.shadow
	}
	if contains(a.site, b.site) && !contains(b.site, a.site) {
		return true
	}
	// The same site met twice: keep the first.
	return contains(a.site, b.site) && contains(b.site, a.site) && i > j
}

func contains(outer, inner hcl.Range) bool {
	return outer.Filename == inner.Filename && outer.Start.Byte <= inner.Start.Byte && inner.End.Byte <= outer.End.Byte
}

func dedupeKey(f finding) string {
	va := "-"
	if f.ref.VersionAt != nil {
		va = fmt.Sprintf("%s@%d", f.ref.VersionAt.File, f.ref.VersionAt.Offset)
	}
	return fmt.Sprintf("%s\x00%s@%d\x00%s", f.ref.ARN, f.natural.File, f.natural.Offset, va)
}
