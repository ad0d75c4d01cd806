package changelog

import "testing"

func TestCompareVersions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b string
		want int
		ok   bool
	}{
		{"numeric not lexical", "1.9.0", "1.10.0", -1, true},
		{"equal with padding", "1.0", "1.0.0", 0, true},
		{"semver pre-release before release", "2.0.0-rc.1", "2.0.0", -1, true},
		{"pep440 pre-release", "2.0rc1", "2.0", -1, true},
		{"alpha before beta", "1.0a1", "1.0b1", -1, true},
		{"dev before alpha", "1.0.dev3", "1.0a1", -1, true},
		{"post release after", "1.0.post1", "1.0", 1, true},
		{"next patch after post", "1.0.1", "1.0.post1", 1, true},
		{"leading v", "v3.2.1", "3.2.0", 1, true},
		{"build metadata ignored", "1.0.0+abc", "1.0.0+def", 0, true},
		{"downgrade", "4.18.2", "4.17.1", 1, true},
		{"java qualifier", "32.1.2-jre", "32.1.3-jre", -1, true},
		{"not a version", "latest", "1.0", 0, false},
		{"unknown words differ", "1.0-foo", "1.0-bar", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := compareVersions(tt.a, tt.b)
			if got != tt.want || ok != tt.ok {
				t.Errorf("compareVersions(%q, %q) = %d, %v; want %d, %v", tt.a, tt.b, got, ok, tt.want, tt.ok)
			}
			if back, _ := compareVersions(tt.b, tt.a); back != -tt.want {
				t.Errorf("reverse = %d, want %d", back, -tt.want)
			}
		})
	}
}
