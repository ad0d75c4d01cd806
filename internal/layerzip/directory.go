package layerzip

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// directory is where the central directory lies, as the end records say.
type directory struct {
	offset  int64 // absolute, the archive's base offset included
	size    int64
	records uint64
}

// findDirectory reads the end-of-central-directory record (and its zip64
// form) the way archive/zip does, so the directory can be fetched in one
// request and its entries counted before archive/zip allocates for them.
func findDirectory(src io.ReaderAt, size int64) (directory, error) {
	n := min(size, tailSize)
	tail := make([]byte, n)
	if _, err := src.ReadAt(tail, size-n); err != nil && err != io.EOF {
		return directory{}, err
	}
	p := -1
	for i := len(tail) - 22; i >= 0; i-- {
		if binary.LittleEndian.Uint32(tail[i:]) == 0x06054b50 {
			if i+22+int(binary.LittleEndian.Uint16(tail[i+20:])) <= len(tail) {
				p = i
			}
			break
		}
	}
	if p < 0 {
		return directory{}, fmt.Errorf("no end of central directory record (not a zip, or truncated)")
	}
	end := tail[p:]
	endOff := size - n + int64(p)
	d := directory{
		records: uint64(binary.LittleEndian.Uint16(end[10:])),
		size:    int64(binary.LittleEndian.Uint32(end[12:])),
		offset:  int64(binary.LittleEndian.Uint32(end[16:])),
	}
	if d.records == 0xffff || d.size == 0xffff || d.offset == 0xffffffff {
		if z, zOff, ok := readZip64End(src, endOff); ok {
			d, endOff = z, zOff
		}
	}
	if d.size < 0 || d.offset < 0 {
		return directory{}, fmt.Errorf("central directory size or offset out of range")
	}
	base := endOff - d.size - d.offset
	if base > 0 && hasSignature(src, d.offset, 0x02014b50) {
		base = 0 // archive/zip's rule for end records with a wrong base
	}
	d.offset += base
	if d.offset < 0 || d.offset >= size {
		return directory{}, fmt.Errorf("central directory offset %d is outside the %d-byte zip", d.offset, size)
	}
	return d, nil
}

// readZip64End follows the zip64 locator just before the end record.
func readZip64End(src io.ReaderAt, endOff int64) (directory, int64, bool) {
	var loc [20]byte
	if endOff < 20 {
		return directory{}, 0, false
	}
	if _, err := src.ReadAt(loc[:], endOff-20); err != nil || binary.LittleEndian.Uint32(loc[:]) != 0x07064b50 {
		return directory{}, 0, false
	}
	off := int64(binary.LittleEndian.Uint64(loc[8:]))
	var rec [56]byte
	if off < 0 {
		return directory{}, 0, false
	}
	if _, err := src.ReadAt(rec[:], off); err != nil || binary.LittleEndian.Uint32(rec[:]) != 0x06064b50 {
		return directory{}, 0, false
	}
	return directory{
		records: binary.LittleEndian.Uint64(rec[32:]),
		size:    int64(binary.LittleEndian.Uint64(rec[40:])),
		offset:  int64(binary.LittleEndian.Uint64(rec[48:])),
	}, off, true
}

func hasSignature(src io.ReaderAt, off int64, sig uint32) bool {
	var b [4]byte
	_, err := src.ReadAt(b[:], off)
	return err == nil && binary.LittleEndian.Uint32(b[:]) == sig
}

// countEntries walks central directory headers the way archive/zip will
// (until a record without the header signature) and stops past max, so a
// directory that lies about its count cannot make archive/zip allocate
// millions of entries.
func countEntries(src io.ReaderAt, size int64, d directory, max int) int {
	br := bufio.NewReaderSize(io.NewSectionReader(src, d.offset, size-d.offset), 64<<10)
	var h [46]byte
	n := 0
	for ; n <= max; n++ {
		if _, err := io.ReadFull(br, h[:]); err != nil {
			return n
		}
		if binary.LittleEndian.Uint32(h[:]) != 0x02014b50 {
			return n
		}
		skip := int64(binary.LittleEndian.Uint16(h[28:])) + int64(binary.LittleEndian.Uint16(h[30:])) + int64(binary.LittleEndian.Uint16(h[32:]))
		if _, err := br.Discard(int(skip)); err != nil {
			return n
		}
	}
	return n
}
