package layerzip

import (
	"archive/zip"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// needKind says how a metadata entry is read.
type needKind int

const (
	needPythonMeta needKind = iota
	needPythonTop
	needPythonRecord
	needNode
	needGem
	needJar
)

// need is a zip entry to fetch and parse.
type need struct {
	kind needKind
	file *zip.File
	root string // python root or node_modules root
	dist string // python dist-info directory; node package chain; jar base
}

// pyRoot is one directory Lambda puts on sys.path.
type pyRoot struct {
	dists   map[string]bool      // normalized distribution names
	topTxt  map[string]bool      // dist-info dirs that have top_level.txt
	records map[string]*zip.File // dist-info dir -> RECORD
	claimed map[string]bool      // import names claimed by metadata
}

// inspector accumulates one zip's inventory.
type inspector struct {
	limits  Limits
	budget  budget
	inv     *Inventory
	needs   []need
	pkgs    []Package
	groups  map[string]*group0 // digest-only things by name
	py      map[string]*pyRoot
	unsafe  int
	deep    int
	dropped int
	// unread counts needed entries the budget left unread; overlaps
	// those skipped because their data is another entry's.
	unread   int
	overlaps int
}

// group0 is a named set of entries fingerprinted together.
type group0 struct {
	pkg   Package
	files []fileSum
	pyMod string // import name when this is an unclaimed python module
	root  string
}

type fileSum struct {
	name string
	crc  uint32
	size uint64
}

func newInspector(ctx context.Context, l Limits) *inspector {
	in := &inspector{
		limits: l.withDefaults(),
		inv:    &Inventory{Format: FormatVersion, Packages: []Package{}},
		groups: map[string]*group0{},
		py:     map[string]*pyRoot{},
	}
	in.budget = budget{ctx: ctx, limits: &in.limits}
	return in
}

func (in *inspector) note(format string, args ...any) {
	if len(in.inv.Notes) >= in.limits.MaxNotes {
		in.dropped++
		return
	}
	in.inv.Notes = append(in.inv.Notes, fmt.Sprintf(format, args...))
}

// classify files one central directory entry under what Lambda makes of it.
func (in *inspector) classify(f *zip.File) {
	name := f.Name
	if s := in.inv.UnzippedSize + int64(f.UncompressedSize64); f.UncompressedSize64 < 1<<62 && s >= in.inv.UnzippedSize {
		in.inv.UnzippedSize = s
	} else {
		in.inv.UnzippedSize = 1<<63 - 1
	}
	if !safeName(name) {
		in.unsafe++
		return
	}
	if strings.Count(name, "/") > in.limits.MaxDepth {
		in.deep++
		return
	}
	if strings.HasSuffix(name, "/") {
		return // directory entries carry nothing
	}
	if len(in.inv.Files) < in.limits.MaxFiles {
		in.inv.Files = append(in.inv.Files, name)
	} else {
		in.inv.FilesCut = true
	}
	top, rest, _ := strings.Cut(name, "/")
	switch top {
	case "python":
		in.python(f, rest)
	case "nodejs":
		if root, inside, ok := nodeRoot(rest); ok {
			if _, ok := nodePackageChain(inside, in.limits.MaxDepth); ok {
				// The chain joined by "/node_modules/" is the path
				// itself: keep a substring of the name, not a copy
				// per package (thousands in a deep node_modules).
				in.want(need{kind: needNode, file: f, root: root, dist: strings.TrimSuffix(inside, "/package.json")})
			}
		}
	case "ruby":
		if gemspecPath(rest) {
			in.want(need{kind: needGem, file: f})
		}
	case "java":
		if base, ok := jarPath(rest); ok {
			in.jar(f, base)
		}
	case "lib":
		if n, v, ok := soname(rest); ok && !strings.Contains(rest, "/") {
			in.add(Native, n, v, f, "lib/"+n, "")
		}
	case "bin", "extensions":
		seg, _, _ := strings.Cut(rest, "/")
		in.add(Other, top+"/"+seg, "", f, top+"/"+seg, "")
	}
}

// want plans to read an entry, or counts it as unread past MaxReads:
// a zip of 50,000 metadata files is not planned in full only to be cut.
func (in *inspector) want(n need) {
	if len(in.needs) >= in.limits.MaxReads {
		in.unread++
		return
	}
	in.needs = append(in.needs, n)
}

// add records a file under a digest group; versioned native libraries keep
// the longest version among their symlink names (libssl.so.3 -> .so.3.0.8).
func (in *inspector) add(eco, name, version string, f *zip.File, key, pyMod string) {
	g := in.groups[eco+"\x00"+key]
	if g == nil {
		g = &group0{pkg: Package{Ecosystem: eco, Name: name, Path: f.Name}, pyMod: pyMod}
		in.groups[eco+"\x00"+key] = g
	}
	if len(version) > len(g.pkg.Version) {
		g.pkg.Version, g.pkg.Path = version, f.Name
	}
	g.files = append(g.files, fileSum{f.Name, f.CRC32, f.UncompressedSize64})
}

func (in *inspector) python(f *zip.File, rest string) {
	root := "python/"
	if m := sitePackagesRE.FindString(rest); m != "" {
		root, rest = root+m, rest[len(m):]
	} else if strings.HasPrefix(rest, "lib/") {
		return
	}
	pr := in.py[root]
	if pr == nil {
		pr = &pyRoot{dists: map[string]bool{}, topTxt: map[string]bool{}, records: map[string]*zip.File{}, claimed: map[string]bool{}}
		in.py[root] = pr
	}
	top, sub, isDir := strings.Cut(rest, "/")
	if strings.HasSuffix(top, ".dist-info") || strings.HasSuffix(top, ".egg-info") {
		dist, _ := distFromDir(top)
		pr.dists[normalizePython(dist)] = true
		switch {
		case !isDir || sub == "METADATA" || sub == "PKG-INFO":
			in.want(need{kind: needPythonMeta, file: f, root: root, dist: top})
		case sub == "top_level.txt":
			pr.topTxt[top] = true
			in.want(need{kind: needPythonTop, file: f, root: root, dist: top})
		case sub == "RECORD":
			pr.records[top] = f
		}
		return
	}
	if top == "__pycache__" || top == "bin" || strings.HasSuffix(top, ".data") {
		return
	}
	if mod, ok := pythonModule(top, isDir); ok {
		in.add(Other, root+mod, "", f, root+mod, mod)
		in.groups[Other+"\x00"+root+mod].root = root
	}
}

// planRecords asks for the RECORD of dist-infos without top_level.txt, but
// only in roots where some module's name matches no distribution: RECORD
// can be long, and it is needed only to claim such modules.
func (in *inspector) planRecords() {
	unmatched := map[string]bool{}
	for _, g := range in.groups {
		if g.pyMod != "" && !in.py[g.root].dists[normalizePython(g.pyMod)] {
			unmatched[g.root] = true
		}
	}
	var dirs []string
	for root := range unmatched {
		for dir := range in.py[root].records {
			if !in.py[root].topTxt[dir] {
				dirs = append(dirs, root+"\x00"+dir)
			}
		}
	}
	sort.Strings(dirs)
	for _, rd := range dirs {
		root, dir, _ := strings.Cut(rd, "\x00")
		in.want(need{kind: needPythonRecord, file: in.py[root].records[dir], root: root, dist: dir})
	}
}

func (in *inspector) jar(f *zip.File, base string) {
	name, version := splitNameVersion(base)
	if f.CompressedSize64 <= uint64(in.limits.MaxJarSize) {
		in.want(need{kind: needJar, file: f, dist: base})
		return
	}
	in.pkgs = append(in.pkgs, Package{Ecosystem: Java, Name: name, Version: version, Path: f.Name})
}

// read fetches and parses one needed entry, falling back to what the path
// says when the content cannot be read.
func (in *inspector) read(n need) {
	limit := in.limits.MaxMetadataSize
	if n.kind == needJar {
		limit = in.limits.MaxJarSize
	}
	shown := printable(n.file.Name)
	data, err := in.budget.open(n.file, limit, n.kind == needPythonMeta)
	if stopped(err) {
		// Nothing is made up from the path either: past the budget
		// the zip has shown it is hostile, and one note says so.
		in.unread++
		return
	}
	if err != nil {
		in.note("could not read %s: %v", shown, err)
	}
	switch n.kind {
	case needPythonMeta:
		dirName, dirVersion := distFromDir(n.dist)
		name, version := "", ""
		if err == nil {
			name, version = pythonMetadata(data)
			if version == "" {
				in.note("could not read %s: no Version field", shown)
			}
		}
		name, version = cmpOr(name, dirName), cmpOr(version, dirVersion)
		in.py[n.root].claimed[normalizePython(name)] = true
		in.pkgs = append(in.pkgs, Package{Ecosystem: Python, Name: printable(name), Version: printable(version), Path: n.file.Name})
	case needPythonTop, needPythonRecord:
		if err == nil {
			for _, m := range topLevelNames(data, n.kind == needPythonRecord) {
				in.py[n.root].claimed[normalizePython(m)] = true
			}
		}
	case needNode:
		version := ""
		if err == nil {
			if _, version, err = nodeManifest(data); err != nil {
				in.note("could not read %s: %v", shown, err)
			}
		}
		last := n.dist[strings.LastIndex(n.dist, "/node_modules/")+1:]
		last = strings.TrimPrefix(last, "node_modules/")
		canonical := ""
		if last != n.dist {
			canonical = last
		}
		in.pkgs = append(in.pkgs, Package{Ecosystem: Node, Name: printable(n.dist), Version: printable(version), Canonical: printable(canonical), Path: n.file.Name})
	case needGem:
		fileName, fileVersion := splitNameVersion(strings.TrimSuffix(path.Base(n.file.Name), ".gemspec"))
		name, version := "", ""
		if err == nil {
			name, version = gemspec(data)
		}
		in.pkgs = append(in.pkgs, Package{Ecosystem: Ruby, Name: printable(cmpOr(name, fileName)), Version: printable(cmpOr(version, fileVersion)), Path: n.file.Name})
	case needJar:
		name, version := splitNameVersion(n.dist)
		p := Package{Ecosystem: Java, Name: name, Version: version, Path: n.file.Name}
		if err == nil {
			if g, a, v, perr := in.pomProperties(data); perr == nil {
				p.Name, p.Version = printable(a), printable(v)
				if g != "" {
					p.Canonical = printable(g + ":" + a)
				}
			}
		}
		in.pkgs = append(in.pkgs, p)
	}
}

// finish turns groups into packages, drops python modules that metadata
// claims, makes names unique and sorts.
func (in *inspector) finish() *Inventory {
	for _, g := range in.groups {
		if g.pyMod != "" && in.py[g.root].claimed[normalizePython(g.pyMod)] {
			continue
		}
		if g.pyMod != "" && in.py[g.root].dists[normalizePython(g.pyMod)] {
			continue
		}
		sort.Slice(g.files, func(i, j int) bool { return g.files[i].name < g.files[j].name })
		h := crc32.NewIEEE()
		for _, f := range g.files {
			var b [12]byte
			binary.LittleEndian.PutUint32(b[:], f.crc)
			binary.LittleEndian.PutUint64(b[4:], f.size)
			h.Write([]byte(f.name))
			h.Write(b[:])
		}
		g.pkg.Digest = fmt.Sprintf("%08x", h.Sum32())
		g.pkg.Name = printable(g.pkg.Name)
		in.pkgs = append(in.pkgs, g.pkg)
	}
	SortByName(in.pkgs, func(p Package) (string, string, string) { return p.Ecosystem, p.Name, p.Path })
	sort.Strings(in.inv.Files)
	// A zip may name one path twice; /opt holds it once.
	in.inv.Files = slices.Compact(in.inv.Files)
	in.disambiguate()
	in.inv.Packages = append(in.inv.Packages, in.pkgs...)
	if in.unsafe > 0 {
		in.note("skipped %d entries whose names leave the layer directory (absolute, .. or backslash)", in.unsafe)
	}
	if in.deep > 0 {
		in.note("skipped %d entries nested deeper than %d directories", in.deep, in.limits.MaxDepth)
	}
	if in.overlaps > 0 {
		in.note("skipped %d entries whose data overlaps another entry's (a zip bomb's shape): the same bytes are read once", in.overlaps)
	}
	in.budgetNote()
	if in.dropped > 0 {
		in.inv.Notes = append(in.inv.Notes, fmt.Sprintf("and %d more notes", in.dropped))
	}
	return in.inv
}

// disambiguate qualifies names that occur twice in one ecosystem (one
// package in python/ and in site-packages, in nodejs/node_modules and
// nodejs/node20/node_modules) with the directory they came from.
func (in *inspector) disambiguate() {
	count := map[string]int{}
	for _, p := range in.pkgs {
		count[p.Ecosystem+"\x00"+Key(p.Ecosystem, p.Name)]++
	}
	for i, p := range in.pkgs {
		if count[p.Ecosystem+"\x00"+Key(p.Ecosystem, p.Name)] > 1 {
			in.pkgs[i].Name = p.Name + " (" + printable(rootOf(p.Path)) + ")"
		}
	}
}

// rootOf is the directory on Lambda's search path a package was found in.
func rootOf(p string) string {
	if i := strings.Index(p, "/site-packages/"); i >= 0 {
		return p[:i+len("/site-packages")]
	}
	if strings.HasPrefix(p, "python/") {
		return "python"
	}
	if i := strings.Index(p, "/node_modules/"); i >= 0 {
		return p[:i+len("/node_modules")]
	}
	return path.Dir(p)
}

// Key is the identity of a package name within its ecosystem: Python
// names compare as PEP 503 normalizes them, the others exactly.
func Key(ecosystem, name string) string {
	if ecosystem == Python {
		return normalizePython(name)
	}
	return name
}

// printable makes text taken from a zip safe to show: valid UTF-8, no
// control characters, bounded length.
func printable(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
