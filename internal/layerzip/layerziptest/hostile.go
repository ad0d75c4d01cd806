package layerziptest

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strings"
)

// Hostile is a named layer zip built to cost its reader as much as a zip
// can: the shapes that once kept every worker busy for minutes.
type Hostile struct {
	Name string
	Zip  []byte
}

// HostileZips returns the hostile shapes at full size (as measured in the
// issue that asked for read budgets) or, with small, tiny versions of the
// same shapes for fuzz seeds and quick tests. variant changes the zip
// comment only, so two variants are two layer versions with different
// CodeSha256 and the same hostility.
func HostileZips(small bool, variant int) []Hostile {
	scale := func(full, tiny int) int {
		if small {
			return tiny
		}
		return full
	}
	// The 50k shapes are the largest that DefaultLimits' MaxEntries and
	// MaxDirectorySize admit, so the read budget is what stops them; the
	// 100k ones, as first reported, are refused before anything is read.
	return []Hostile{
		{"overlap-1k", OverlapBomb(scale(1000, 20), 1<<20+4096, variant)},
		{"overlap-50k", OverlapBomb(scale(49_999, 30), 1<<20+4096, variant)},
		{"overlap-100k", OverlapBomb(scale(99_999, 40), 1<<20+4096, variant)},
		{"long-names-50k", LongNames(scale(49_999, 30), scale(85, 300), variant)},
		{"long-names-100k", LongNames(scale(99_999, 30), scale(160, 300), variant)},
		{"nested-jars", JarBomb(scale(4, 2), scale(2368, 20), variant)},
		{"deep-node-modules-20k", DeepNodeModules(scale(20_000, 60), scale(24, 8), variant)},
	}
}

// rawEntry is a central directory record: it may point at any local
// header, which is how overlapping entries share one stream.
type rawEntry struct {
	name     string
	method   uint16
	crc      uint32
	csize    uint64
	usize    uint64
	localOff uint64
}

// rawZip writes zips byte by byte, without archive/zip's guard rails.
type rawZip struct {
	buf     bytes.Buffer
	entries []rawEntry
}

// local writes a local header and its data, returning the record that
// points at it.
func (z *rawZip) local(name string, method uint16, data []byte, usize uint64, crc uint32) rawEntry {
	e := rawEntry{name: name, method: method, crc: crc, csize: uint64(len(data)), usize: usize, localOff: uint64(z.buf.Len())}
	le := binary.LittleEndian
	h := le.AppendUint32(nil, 0x04034b50)
	h = le.AppendUint16(h, 20)
	h = le.AppendUint16(h, 0)
	h = le.AppendUint16(h, method)
	h = le.AppendUint32(h, 0) // time, date
	h = le.AppendUint32(h, crc)
	h = le.AppendUint32(h, uint32(len(data)))
	h = le.AppendUint32(h, uint32(usize))
	h = le.AppendUint16(h, uint16(len(name)))
	h = le.AppendUint16(h, 0)
	z.buf.Write(h)
	z.buf.WriteString(name)
	z.buf.Write(data)
	return e
}

// file writes one ordinary entry (stored) and lists it.
func (z *rawZip) file(name string, data []byte) {
	z.entries = append(z.entries, z.local(name, 0, data, uint64(len(data)), crc32.ChecksumIEEE(data)))
}

// finish writes the central directory and end records (zip64 ones past
// 65,534 entries) with comment.
func (z *rawZip) finish(comment string) []byte {
	le := binary.LittleEndian
	dirOff := uint64(z.buf.Len())
	for _, e := range z.entries {
		h := le.AppendUint32(nil, 0x02014b50)
		h = le.AppendUint16(h, 20)
		h = le.AppendUint16(h, 20)
		h = le.AppendUint16(h, 0)
		h = le.AppendUint16(h, e.method)
		h = le.AppendUint32(h, 0)
		h = le.AppendUint32(h, e.crc)
		h = le.AppendUint32(h, uint32(e.csize))
		h = le.AppendUint32(h, uint32(e.usize))
		h = le.AppendUint16(h, uint16(len(e.name)))
		h = le.AppendUint16(h, 0) // extra
		h = le.AppendUint16(h, 0) // comment
		h = le.AppendUint16(h, 0) // disk
		h = le.AppendUint16(h, 0) // internal attributes
		h = le.AppendUint32(h, 0) // external attributes
		h = le.AppendUint32(h, uint32(e.localOff))
		z.buf.Write(h)
		z.buf.WriteString(e.name)
	}
	dirSize := uint64(z.buf.Len()) - dirOff
	n := uint64(len(z.entries))
	records := uint16(n)
	out := z.buf.Bytes()
	if n >= 0xffff {
		out = appendZip64End(out, n, dirSize, dirOff)
		records = 0xffff
	}
	h := le.AppendUint32(out, 0x06054b50)
	h = le.AppendUint32(h, 0)
	h = le.AppendUint16(h, records)
	h = le.AppendUint16(h, records)
	h = le.AppendUint32(h, uint32(dirSize))
	h = le.AppendUint32(h, uint32(dirOff))
	h = le.AppendUint16(h, uint16(len(comment)))
	return append(h, comment...)
}

// bomb is a deflate stream of a few KB that inflates to prefix followed by
// 'a's up to size bytes, with no blank line (a metadata reader that stops
// at the end of the headers must still read all of it).
func bomb(prefix string, size int) (data []byte, crc uint32) {
	plain := append([]byte(prefix), bytes.Repeat([]byte("a"), size-len(prefix))...)
	var c bytes.Buffer
	fw, _ := flate.NewWriter(&c, flate.BestCompression)
	fw.Write(plain)
	fw.Close()
	return c.Bytes(), crc32.ChecksumIEEE(plain)
}

// OverlapBomb is a python layer of n METADATA entries that all point at
// one deflate stream of a few KB which inflates to inflated bytes: each
// entry looks like its own distribution, but every read inflates the same
// stream again (a zip "overlap" bomb).
func OverlapBomb(n, inflated, variant int) []byte {
	var z rawZip
	data, crc := bomb("Metadata-Version: 2.1\nName: bomb\nVersion: 1.0\nSummary: ", inflated)
	shared := z.local("python/bomb-1.0.dist-info/METADATA", 8, data, uint64(inflated), crc)
	for i := range n {
		e := shared
		e.name = fmt.Sprintf("python/b%d-1.0.dist-info/METADATA", i)
		z.entries = append(z.entries, e)
	}
	return z.finish(fmt.Sprintf("overlap bomb %d", variant))
}

// LongNames is a node layer of n package.json entries whose names are
// nameLen bytes long, sharing one small stored package.json: the central
// directory is large (n × nameLen) while the zip says little.
func LongNames(n, nameLen, variant int) []byte {
	var z rawZip
	body := []byte(`{"name":"x","version":"1.0.0"}`)
	shared := z.local("nodejs/node_modules/x/package.json", 0, body, uint64(len(body)), crc32.ChecksumIEEE(body))
	for i := range n {
		e := shared
		id := fmt.Sprintf("p%d-", i)
		e.name = "nodejs/node_modules/" + id + strings.Repeat("n", max(nameLen-len(id), 1)) + "/package.json"
		z.entries = append(z.entries, e)
	}
	return z.finish(fmt.Sprintf("long names %d", variant))
}

// JarBomb is a java layer of jars small enough to be opened (a few
// hundred KB), each holding perJar pom.properties entries that point at
// one deflate stream inflating past the metadata cap.
func JarBomb(jars, perJar, variant int) []byte {
	var z rawZip
	for j := range jars {
		var inner rawZip
		data, crc := bomb("#", 2<<20)
		shared := inner.local("META-INF/maven/g/a/pom.properties", 8, data, 2<<20, crc)
		for i := range perJar {
			e := shared
			e.name = fmt.Sprintf("META-INF/maven/g%d/a%d/pom.properties", j, i)
			inner.entries = append(inner.entries, e)
		}
		z.file(fmt.Sprintf("java/lib/bomb%d-1.0.jar", j), inner.finish(""))
	}
	return z.finish(fmt.Sprintf("jar bomb %d", variant))
}

// DeepNodeModules is a node layer of n distinct packages nested in chains
// of node_modules up to depth levels deep (every package.json its own
// small stored entry): many entries, long names, many reads.
func DeepNodeModules(n, depth, variant int) []byte {
	var z rawZip
	for i := range n {
		var p strings.Builder
		p.WriteString("nodejs/node_modules/")
		for d := range i%depth + 1 {
			if d > 0 {
				p.WriteString("/node_modules/")
			}
			fmt.Fprintf(&p, "p%d-%d", i, d)
		}
		p.WriteString("/package.json")
		z.file(p.String(), fmt.Appendf(nil, `{"name":"p%d","version":"1.0.%d"}`, i, variant))
	}
	return z.finish(fmt.Sprintf("deep node_modules %d", variant))
}
