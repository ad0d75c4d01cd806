package changelog

import (
	"fmt"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip"
)

// BenchmarkDiff diffs two inventories of 20,000 node packages, a tenth of
// them nested copies of a hoisted one, every package upgraded.
func BenchmarkDiff(b *testing.B) {
	from, to := benchInv(1), benchInv(2)
	b.ReportAllocs()
	for b.Loop() {
		if n := len(Diff(from, to)); n != 18000 {
			b.Fatalf("%d changes, want 18000", n)
		}
	}
}

// benchInv is an inventory of 20,000 node packages at version 1.minor.x,
// a tenth of them nested copies of a hoisted one.
func benchInv(minor int) *layerzip.Inventory {
	inv := &layerzip.Inventory{}
	for i := range 20000 {
		name, canonical := fmt.Sprintf("pkg-%05d", i), ""
		if i%10 == 9 {
			name, canonical = fmt.Sprintf("pkg-%05d/node_modules/pkg-%05d", i-1, i-9), fmt.Sprintf("pkg-%05d", i-9)
		}
		inv.Packages = append(inv.Packages, layerzip.Package{Ecosystem: layerzip.Node, Name: name, Canonical: canonical,
			Version: fmt.Sprintf("1.%d.%d", minor, i%7), Path: "nodejs/node_modules/" + name + "/package.json"})
	}
	return inv
}
