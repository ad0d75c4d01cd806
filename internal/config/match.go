package config

import (
	"path"
	"strings"
)

// Layer names a layer for matching: its ARN fields as the files spell
// them (a field may be a placeholder).
type Layer struct{ Partition, Region, Account, Name string }

// arn renders the layer's ARN without a version.
func (l Layer) arn() string {
	return "arn:" + l.Partition + ":lambda:" + l.Region + ":" + l.Account + ":layer:" + l.Name
}

// MatchLayer reports whether pattern names the layer: a layer name, or a
// full ARN without version, with globs (`*`, `?`, `[…]`) in any part.
func MatchLayer(pattern string, l Layer) bool {
	if strings.HasPrefix(pattern, "arn:") {
		ok, _ := path.Match(pattern, l.arn())
		return ok
	}
	ok, _ := path.Match(pattern, l.Name)
	return ok
}

// Ignored returns the versions of l the configuration says never to move
// to; whole is true when the layer is ignored altogether (a rule with no
// versions).
func (c Repo) Ignored(l Layer) (ranges []VersionRange, whole bool) {
	for _, ig := range c.Ignore {
		if !MatchLayer(ig.Layer, l) {
			continue
		}
		if len(ig.Versions) == 0 {
			return nil, true
		}
		for _, v := range ig.Versions {
			if r, err := ParseVersionRange(v); err == nil {
				ranges = append(ranges, r)
			}
		}
	}
	return ranges, false
}

// IncludesPath reports whether a slash-separated path from the repository
// root is among the files the configuration considers: it matches an
// include glob (or there are none) and no exclude glob. `**` matches any
// number of directories.
func (c Repo) IncludesPath(p string) bool {
	if len(c.Paths.Include) > 0 && !anyGlob(c.Paths.Include, p) {
		return false
	}
	return !anyGlob(c.Paths.Exclude, p)
}

func anyGlob(globs []string, p string) bool {
	for _, g := range globs {
		if MatchPath(g, p) {
			return true
		}
	}
	return false
}

// MatchPath matches a slash-separated path against a glob where `*` stays
// within one path segment and `**` spans any number of them.
func MatchPath(glob, p string) bool {
	return matchSegments(strings.Split(glob, "/"), strings.Split(p, "/"))
}

func matchSegments(gs, ps []string) bool {
	for len(gs) > 0 {
		if gs[0] == "**" {
			for i := 0; i <= len(ps); i++ {
				if matchSegments(gs[1:], ps[i:]) {
					return true
				}
			}
			return false
		}
		if len(ps) == 0 {
			return false
		}
		if ok, _ := path.Match(gs[0], ps[0]); !ok {
			return false
		}
		gs, ps = gs[1:], ps[1:]
	}
	return len(ps) == 0
}
