package layerzip

import (
	"regexp"
	"strings"
)

var (
	// A gemspec as RubyGems writes it: `s.name = "nokogiri".freeze`,
	// `s.version = "1.15.4"`; hand-written ones may use another variable.
	gemNameRE    = regexp.MustCompile(`(?m)^\s*\w+\.name\s*=\s*["']([^"'\n]+)["']`)
	gemVersionRE = regexp.MustCompile(`(?m)^\s*\w+\.version\s*=\s*(?:Gem::Version\.new\(\s*)?["']([^"'\n]+)["']`)
	// `# stub: nokogiri 1.15.4 x86_64-linux lib` heads generated gemspecs.
	gemStubRE = regexp.MustCompile(`(?m)^# stub: (\S+) (\S+)`)
)

// gemspecPath recognises ruby/gems/X.Y.Z/specifications/[default/]NAME.gemspec
// (the rest after "ruby/").
func gemspecPath(rest string) bool {
	segs := strings.Split(rest, "/")
	if len(segs) < 4 || segs[0] != "gems" || segs[2] != "specifications" || !strings.HasSuffix(segs[len(segs)-1], ".gemspec") {
		return false
	}
	return len(segs) == 4 || (len(segs) == 5 && segs[3] == "default")
}

// gemspec reads name and version from a gemspec's source.
func gemspec(data []byte) (name, version string) {
	if m := gemNameRE.FindSubmatch(data); m != nil {
		name = string(m[1])
	}
	if m := gemVersionRE.FindSubmatch(data); m != nil {
		version = string(m[1])
	}
	if m := gemStubRE.FindSubmatch(data); m != nil {
		if name == "" {
			name = string(m[1])
		}
		if version == "" {
			version = string(m[2])
		}
	}
	return name, version
}

// splitNameVersion splits "name-1.2.3" (a gemspec or jar file name without
// extension) at the first dash followed by a digit.
func splitNameVersion(base string) (name, version string) {
	for i := 0; i+1 < len(base); i++ {
		if base[i] == '-' && base[i+1] >= '0' && base[i+1] <= '9' && i > 0 {
			return base[:i], base[i+1:]
		}
	}
	return base, ""
}
