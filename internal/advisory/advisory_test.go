package advisory_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/advisory"
	"github.com/bumpbot/bumpbot/internal/layerzip"
)

func TestMatch(t *testing.T) {
	t.Parallel()
	advs, err := advisory.Load("testdata/osv")
	if err != nil || len(advs) != 3 {
		t.Fatalf("load: %d advisories, %v", len(advs), err)
	}
	inv := &layerzip.Inventory{Packages: []layerzip.Package{
		{Ecosystem: "python", Name: "urllib3", Version: "1.26.5"},           // affected: fixed in 1.26.17
		{Ecosystem: "python", Name: "URLLib3", Version: "1.26.17"},          // the fix itself: not affected
		{Ecosystem: "python", Name: "urllib3", Version: "2.0.10"},           // after the second range
		{Ecosystem: "node", Name: "a/node_modules/axios", Version: "1.5.1"}, // nested: its registry name counts
		{Ecosystem: "node", Name: "axios", Version: "1.6.0"},
		// Qualified by the inventory because the layer holds it twice.
		{Ecosystem: "python", Name: "urllib3 (python/lib/python3.12/site-packages)", Path: "python/lib/python3.12/site-packages/urllib3-1.26.4.dist-info/METADATA", Version: "1.26.4"},
		{Ecosystem: "java", Name: "log4j-core", Canonical: "org.apache.logging.log4j:log4j-core", Version: "2.14.1"},
		{Ecosystem: "native", Name: "libssl.so.3", Version: "3"},
	}}
	var got []string
	for _, f := range advisory.Match(advs, inv) {
		got = append(got, f.Advisory+" "+f.Ecosystem+"/"+f.Package+"@"+f.Version+" fixed:"+strings.Join(f.Fixed, ","))
	}
	want := []string{
		"GHSA-jfh8-c2jp-5v3q Maven/org.apache.logging.log4j:log4j-core@2.14.1 fixed:2.15.0",
		"GHSA-v845-jxx5-vc9f PyPI/urllib3@1.26.4 fixed:1.26.17,2.0.6",
		"GHSA-v845-jxx5-vc9f PyPI/urllib3@1.26.5 fixed:1.26.17,2.0.6",
		"GHSA-wf5p-g6vw-rhxx npm/axios@1.5.1 fixed:1.6.0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := advisory.Load(dir + "/missing"); err == nil {
		t.Error("missing folder accepted")
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	advs, err := advisory.Load("testdata/osv/urllib3.json", "testdata/osv/axios.json")
	if err != nil {
		t.Fatal(err)
	}
	from := &layerzip.Inventory{Packages: []layerzip.Package{{Ecosystem: "python", Name: "urllib3", Version: "1.26.5"}, {Ecosystem: "node", Name: "axios", Version: "1.6.2"}}}
	to := &layerzip.Inventory{Packages: []layerzip.Package{{Ecosystem: "python", Name: "urllib3", Version: "1.26.19"}, {Ecosystem: "node", Name: "axios", Version: "1.5.0"}}}
	c := advisory.Compare(advs, from, to)
	if len(c.Fixed) != 1 || c.Fixed[0].Advisory != "GHSA-v845-jxx5-vc9f" || len(c.Introduced) != 1 || c.Introduced[0].Package != "axios" {
		t.Errorf("compare = %+v", c)
	}
}
