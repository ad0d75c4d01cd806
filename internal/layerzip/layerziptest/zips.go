package layerziptest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// Entry is one file to put in a test zip.
type Entry struct {
	Name string
	Data []byte
	// Zeros, when above zero, makes the file that many zero bytes
	// instead of Data, streamed through the compressor: a layer of
	// hundreds of megabytes unzipped (a numpy, a model) without holding
	// them in memory. Such an entry is always deflated.
	Zeros int64
}

// Shape says how a test zip is written.
type Shape struct {
	Method uint16 // zip.Store or zip.Deflate
	Raw    bool   // sizes and CRC in the local header, no data descriptor
	Zip64  bool   // zip64 end records
}

// LoadTxtar reads a txtar file of layer content. A file named "JAR!/PATH" goes into a jar
// built at JAR, as Java names entries of nested archives.
func LoadTxtar(tb testing.TB, name string) []Entry {
	tb.Helper()
	a, err := txtar.ParseFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	var out []Entry
	jars := map[string][]Entry{}
	for _, f := range a.Files {
		if jar, inner, ok := strings.Cut(f.Name, "!/"); ok {
			jars[jar] = append(jars[jar], Entry{Name: inner, Data: f.Data})
			continue
		}
		out = append(out, Entry{Name: f.Name, Data: f.Data})
	}
	names := make([]string, 0, len(jars))
	for n := range jars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, Entry{Name: n, Data: BuildZip(tb, jars[n], Shape{Method: zip.Deflate})})
	}
	return out
}

// BuildZip writes entries as a zip of the given Shape.
func BuildZip(tb testing.TB, entries []Entry, s Shape) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	if slices.ContainsFunc(entries, func(e Entry) bool { return e.Zeros > 0 }) {
		// Zeros are many: the fastest level keeps big layers cheap.
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(w, flate.BestSpeed)
		})
	}
	for _, e := range entries {
		if err := writeEntry(zw, e, s); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	if s.Zip64 {
		return ToZip64(buf.Bytes())
	}
	return buf.Bytes()
}

func writeEntry(zw *zip.Writer, e Entry, s Shape) error {
	h := &zip.FileHeader{Name: e.Name, Method: s.Method}
	if e.Zeros > 0 {
		h.Method = zip.Deflate
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		_, err = io.CopyN(w, zeroReader{}, e.Zeros)
		return err
	}
	if !s.Raw {
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		_, err = w.Write(e.Data)
		return err
	}
	body := e.Data
	if s.Method == zip.Deflate {
		var c bytes.Buffer
		fw, _ := flate.NewWriter(&c, flate.DefaultCompression)
		fw.Write(e.Data)
		fw.Close()
		body = c.Bytes()
	}
	h.CRC32 = crc32.ChecksumIEEE(e.Data)
	h.CompressedSize64 = uint64(len(body))
	h.UncompressedSize64 = uint64(len(e.Data))
	w, err := zw.CreateRaw(h)
	if err != nil {
		return err
	}
	_, err = w.Write(body)
	return err
}

// zeroReader reads zero bytes for ever.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// ToZip64 rewrites a zip's end record as zip64 end record + locator + an
// end record whose fields say "see zip64", as writers do past 65535
// entries or 4 GiB.
func ToZip64(z []byte) []byte {
	eocd := z[len(z)-22:]
	records := uint64(binary.LittleEndian.Uint16(eocd[10:]))
	size := uint64(binary.LittleEndian.Uint32(eocd[12:]))
	off := uint64(binary.LittleEndian.Uint32(eocd[16:]))
	out := appendZip64End(append([]byte(nil), z[:len(z)-22]...), records, size, off)
	le := binary.LittleEndian
	out = le.AppendUint32(out, 0x06054b50)
	out = le.AppendUint32(out, 0)
	out = le.AppendUint32(out, 0xffffffff) // records this disk + total
	out = le.AppendUint32(out, 0xffffffff)
	out = le.AppendUint32(out, 0xffffffff)
	return le.AppendUint16(out, 0)
}

// RandomBytes returns n incompressible bytes, the same for a seed.
func RandomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	return b
}

// appendZip64End appends a zip64 end of central directory record and its
// locator, for a directory of records entries, size bytes at off.
func appendZip64End(out []byte, records, size, off uint64) []byte {
	recOff := uint64(len(out))
	le := binary.LittleEndian
	out = le.AppendUint32(out, 0x06064b50)
	out = le.AppendUint64(out, 44)
	out = le.AppendUint16(out, 45)
	out = le.AppendUint16(out, 45)
	out = le.AppendUint32(out, 0)
	out = le.AppendUint32(out, 0)
	out = le.AppendUint64(out, records)
	out = le.AppendUint64(out, records)
	out = le.AppendUint64(out, size)
	out = le.AppendUint64(out, off)
	out = le.AppendUint32(out, 0x07064b50)
	out = le.AppendUint32(out, 0)
	out = le.AppendUint64(out, recOff)
	return le.AppendUint32(out, 1)
}
