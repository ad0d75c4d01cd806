package layerzip

import "strings"

// Unit names the package or path a file under /opt belongs to, the name
// a reader recognises when two layers provide it: the package directory
// or module under a Python root (its .dist-info folded into the
// package's own name), the top-level package under a node_modules root
// (nested dependencies belong to it), the gem directory, and otherwise
// the first two segments of the path (lib/libssl.so.3, bin/jq,
// extensions/agent).
func Unit(file string) string {
	top, rest, _ := strings.Cut(file, "/")
	switch top {
	case "python":
		root := "python/"
		if m := sitePackagesRE.FindString(rest); m != "" {
			root, rest = root+m, rest[len(m):]
		}
		name, _, _ := strings.Cut(rest, "/")
		if strings.HasSuffix(name, ".dist-info") || strings.HasSuffix(name, ".egg-info") {
			dist, _ := distFromDir(name)
			name = normalizePython(dist)
		} else {
			name = strings.TrimSuffix(name, ".py")
		}
		return root + name
	case "nodejs":
		if root, inside, ok := nodeRoot(rest); ok {
			name, after, _ := strings.Cut(inside, "/")
			if strings.HasPrefix(name, "@") {
				scoped, _, _ := strings.Cut(after, "/")
				name += "/" + scoped
			}
			return root + name
		}
	case "ruby":
		// ruby/gems/3.2.0/gems/rack-3.0.8/...: the gem directory.
		segs := strings.SplitN(rest, "/", 5)
		if len(segs) >= 4 && segs[0] == "gems" {
			return strings.Join(append([]string{top}, segs[:4]...), "/")
		}
	case "java":
		// java/lib/x.jar: the jar.
		if lib, jar, ok := strings.Cut(rest, "/"); ok {
			jar, _, _ = strings.Cut(jar, "/")
			return top + "/" + lib + "/" + jar
		}
	}
	if second, _, ok := strings.Cut(rest, "/"); ok {
		return top + "/" + second
	}
	return file
}
