package layerzip

import (
	"bufio"
	"bytes"
	"net/textproto"
	"regexp"
	"strings"
)

// sitePackagesRE matches the versioned layout Lambda puts on sys.path
// besides python/ itself.
var sitePackagesRE = regexp.MustCompile(`^lib/python[0-9][0-9.]*/site-packages/`)

// pythonMetadata reads Name and Version from a METADATA or PKG-INFO file:
// RFC 822 style headers, the body (the long description) after a blank
// line is never read.
func pythonMetadata(data []byte) (name, version string) {
	end := bytes.Index(data, []byte("\n\n"))
	if end < 0 {
		end = len(data)
	}
	head := bytes.ReplaceAll(data[:end], []byte("\r\n"), []byte("\n"))
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(head, '\n', '\n'))))
	h, _ := tp.ReadMIMEHeader() // a partial header is still useful
	return strings.TrimSpace(h.Get("Name")), strings.TrimSpace(h.Get("Version"))
}

// distFromDir splits "requests-2.31.0.dist-info" (or .egg-info) into name
// and version; either may be empty.
func distFromDir(dir string) (name, version string) {
	base := strings.TrimSuffix(strings.TrimSuffix(dir, ".dist-info"), ".egg-info")
	name, version, _ = strings.Cut(base, "-")
	if i := strings.IndexByte(version, '-'); i >= 0 {
		version = version[:i] // egg-info: name-1.0-py3.12
	}
	return name, version
}

// normalizePython folds a distribution or module name the way PEP 503
// compares names, with underscores so that it also matches import names.
func normalizePython(name string) string {
	var b strings.Builder
	sep := false
	for _, c := range strings.ToLower(name) {
		if c == '-' || c == '_' || c == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('_')
		}
		sep = false
		b.WriteRune(c)
	}
	return b.String()
}

// pythonModule names the importable thing a top-level path entry is: a
// package directory, or a module file (six.py, _cffi.cpython-312-x86_64-linux-gnu.so).
// ok is false for files that are not importable (README, *.pth...).
func pythonModule(top string, isDir bool) (string, bool) {
	if isDir {
		return top, !strings.HasPrefix(top, ".")
	}
	for _, ext := range []string{".py", ".so", ".pyd", ".pyc"} {
		if strings.HasSuffix(top, ext) {
			mod, _, _ := strings.Cut(top, ".")
			return mod, mod != ""
		}
	}
	return "", false
}

// topLevelNames lists import names from top_level.txt or a RECORD file
// (first path segment of each row).
func topLevelNames(data []byte, record bool) []string {
	var out []string
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSpace(line)
		if record {
			path, _, _ := strings.Cut(line, ",")
			top, rest, isDir := strings.Cut(path, "/")
			if mod, ok := pythonModule(top, isDir && rest != ""); ok && !strings.Contains(top, "..") {
				out = append(out, mod)
			}
			continue
		}
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}
