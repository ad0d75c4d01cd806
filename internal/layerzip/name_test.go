package layerzip

import "testing"

func TestUnqualifiedAndRegistryName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		p                Package
		unqualified, reg string
	}{
		{"plain", Package{Ecosystem: Python, Name: "urllib3", Path: "python/urllib3-2.2.1.dist-info/METADATA"}, "urllib3", "urllib3"},
		{"qualified python", Package{Ecosystem: Python, Name: "urllib3 (python/lib/python3.12/site-packages)", Path: "python/lib/python3.12/site-packages/urllib3-1.26.5.dist-info/METADATA"}, "urllib3", "urllib3"},
		{"qualified node", Package{Ecosystem: Node, Name: "axios (nodejs/node20/node_modules)", Path: "nodejs/node20/node_modules/axios/package.json"}, "axios", "axios"},
		{"nested node", Package{Ecosystem: Node, Name: "axios/node_modules/follow-redirects", Canonical: "follow-redirects", Path: "nodejs/node_modules/axios/node_modules/follow-redirects/package.json"}, "axios/node_modules/follow-redirects", "follow-redirects"},
		{"parentheses not from the inventory", Package{Ecosystem: Other, Name: "bin/tool (x)", Path: "bin/tool (x)"}, "bin/tool (x)", "bin/tool (x)"},
		{"maven", Package{Ecosystem: Java, Name: "log4j-core", Canonical: "org.apache.logging.log4j:log4j-core", Path: "java/lib/log4j-core-2.14.1.jar"}, "log4j-core", "org.apache.logging.log4j:log4j-core"},
	}
	for _, tt := range tests {
		if got := tt.p.Unqualified(); got != tt.unqualified {
			t.Errorf("%s: Unqualified = %q, want %q", tt.name, got, tt.unqualified)
		}
		if got := tt.p.RegistryName(); got != tt.reg {
			t.Errorf("%s: RegistryName = %q, want %q", tt.name, got, tt.reg)
		}
	}
}
