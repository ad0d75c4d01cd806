package layerzip

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// nodeVersionDirRE matches nodejs/node18/ style roots.
var nodeVersionDirRE = regexp.MustCompile(`^node[0-9]+$`)

// nodeRoot splits a path under nodejs/ into the node_modules root Lambda
// puts on NODE_PATH and the rest.
func nodeRoot(rest string) (root, inside string, ok bool) {
	if in, ok := strings.CutPrefix(rest, "node_modules/"); ok {
		return "nodejs/node_modules/", in, true
	}
	dir, after, _ := strings.Cut(rest, "/")
	if in, ok := strings.CutPrefix(after, "node_modules/"); ok && nodeVersionDirRE.MatchString(dir) {
		return "nodejs/" + dir + "/node_modules/", in, true
	}
	return "", "", false
}

// nodePackageChain recognises the package.json at a package root:
// "a/package.json", "@s/a/package.json", "a/node_modules/@s/b/package.json".
// It returns the chain of package names, outermost first. A package.json
// deeper inside a package (test fixtures, lib/) is not a package root.
func nodePackageChain(inside string, maxDepth int) ([]string, bool) {
	segs := strings.Split(inside, "/")
	var chain []string
	for i := 0; i < len(segs); {
		if len(chain) > maxDepth {
			return nil, false
		}
		name := segs[i]
		if strings.HasPrefix(name, "@") {
			if i+1 >= len(segs) {
				return nil, false
			}
			name += "/" + segs[i+1]
			i++
		}
		i++
		if name == "" || strings.HasPrefix(name, ".") || i >= len(segs) {
			return nil, false
		}
		chain = append(chain, name)
		switch {
		case i == len(segs)-1 && segs[i] == "package.json":
			return chain, true
		case segs[i] == "node_modules":
			i++
		default:
			return nil, false
		}
	}
	return nil, false
}

// nodeManifest reads name and version from a package.json.
func nodeManifest(data []byte) (name, version string, err error) {
	var m struct {
		Name    any `json:"name"`
		Version any `json:"version"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return "", "", fmt.Errorf("malformed package.json: %w", err)
	}
	n, _ := m.Name.(string)
	v, ok := m.Version.(string)
	if !ok {
		return n, "", fmt.Errorf("package.json has no string version")
	}
	return n, v, nil
}
