package layerzip

import (
	"archive/zip"
	"bytes"
	"fmt"
	"path"
	"strings"
)

// jarPath recognises java/lib/NAME.jar (the rest after "java/").
func jarPath(rest string) (base string, ok bool) {
	file, found := strings.CutPrefix(rest, "lib/")
	if !found || strings.Contains(file, "/") || !strings.HasSuffix(file, ".jar") {
		return "", false
	}
	return strings.TrimSuffix(file, ".jar"), true
}

// pomProperties finds META-INF/maven/GROUP/ARTIFACT/pom.properties in a
// small jar held in memory and reads its coordinates. The jar is someone
// else's zip too: its entries are read through the layer's budget, and
// entries sharing one stream are read once.
func (in *inspector) pomProperties(jar []byte) (group, artifact, version string, err error) {
	zr, err := zip.NewReader(bytes.NewReader(jar), int64(len(jar)))
	if err != nil {
		return "", "", "", fmt.Errorf("open jar: %w", err)
	}
	var poms []*zip.File
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "META-INF/maven/") && path.Base(f.Name) == "pom.properties" {
			poms = append(poms, f)
		}
	}
	skip := overlapping(poms)
	for i, f := range poms {
		if skip[i] {
			in.overlaps++
			continue
		}
		data, err := in.budget.open(f, in.limits.MaxMetadataSize, false)
		if stopped(err) {
			return "", "", "", err
		}
		if err != nil {
			continue // another pom.properties may do
		}
		props := map[string]string{}
		for line := range strings.Lines(string(data)) {
			k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
			if ok && !strings.HasPrefix(k, "#") {
				props[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		if props["artifactId"] != "" && props["version"] != "" {
			return props["groupId"], props["artifactId"], props["version"], nil
		}
	}
	return "", "", "", fmt.Errorf("no META-INF/maven/**/pom.properties")
}

// soname splits a shared library file name: "libssl.so.3.0.8" is library
// "libssl.so" at version "3.0.8"; "libfoo.so" has no version.
func soname(file string) (name, version string, ok bool) {
	i := strings.Index(file, ".so")
	if i <= 0 {
		return "", "", false
	}
	rest := file[i+3:]
	if rest != "" && rest[0] != '.' {
		return "", "", false // libsomething.sock, not a library
	}
	return file[:i+3], strings.TrimPrefix(rest, "."), true
}
