package layerzip

import "time"

// Limits bound what reading one layer may cost. A layer is someone else's
// zip: every size, count and offset in it may lie, so each read is capped
// here rather than trusted. Zero fields take the DefaultLimits value.
type Limits struct {
	// MaxEntries refuses zips whose central directory holds more entries.
	MaxEntries int
	// MaxDirectorySize refuses central directories larger than this.
	MaxDirectorySize int64
	// MaxMetadataSize caps the uncompressed bytes read from one metadata
	// file (METADATA, package.json, gemspec...).
	MaxMetadataSize int64
	// MaxFetch caps the bytes fetched by range requests for one layer.
	MaxFetch int64
	// MaxDownload caps a whole-zip download, the fallback when the server
	// does not honour Range.
	MaxDownload int64
	// MaxDepth skips entries nested deeper than this many path segments.
	MaxDepth int
	// MaxJarSize: jars up to this compressed size are opened to read
	// their pom.properties; bigger ones are known by file name only.
	MaxJarSize int64
	// MergeGap: neighbouring metadata reads closer than this are fetched
	// in one request (the gap bytes are read and thrown away).
	MergeGap int64
	// MaxRequests is the number of requests the metadata batch aims for:
	// further gaps are merged, smallest first, while the fetched bytes
	// stay under MaxFetch.
	MaxRequests int
	// MaxNotes caps the notes kept for one layer.
	MaxNotes int
	// MaxFiles caps the file paths kept in Inventory.Files.
	MaxFiles int

	// The read budget of one layer, in all: a zip can make every entry
	// cheap to declare and dear to read (one small stream that thousands
	// of entries point at, jars full of bombs), so per-entry caps are not
	// enough. What the budget leaves unread is noted.

	// MaxReads caps the entries opened and inflated for one layer,
	// metadata files and the entries read inside jars together.
	MaxReads int
	// MaxInflate caps the uncompressed bytes read for one layer, in all.
	MaxInflate int64
	// MaxReadTime caps the wall time of reading one layer, fetches
	// included. Reading stops with a note (and an inventory that is not
	// cached, since it depends on the machine's speed).
	MaxReadTime time.Duration
}

// DefaultLimits are sized for Lambda: a layer unzips to at most 250 MB,
// and a changelog should need a few requests and well under a megabyte.
// MaxEntries and MaxDirectorySize bound memory (archive/zip keeps every
// record, about 300 bytes each with its name): 50,000 entries, 8 MiB of
// directory, are several times what the biggest real layers hold
// (10,000–20,000 files), and keep a changelog between two hostile layers
// within 64 MB.
func DefaultLimits() Limits {
	return Limits{
		MaxEntries:       50_000,
		MaxDirectorySize: 8 << 20,
		MaxMetadataSize:  1 << 20,
		MaxFetch:         48 << 20,
		MaxDownload:      300 << 20,
		MaxDepth:         48,
		MaxJarSize:       256 << 10,
		MergeGap:         256 << 10,
		MaxRequests:      6,
		MaxNotes:         50,
		MaxFiles:         50_000,
		MaxReads:         10_000,
		MaxInflate:       64 << 20,
		MaxReadTime:      20 * time.Second,
	}
}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	orDefault(&l.MaxEntries, d.MaxEntries)
	orDefault(&l.MaxDirectorySize, d.MaxDirectorySize)
	orDefault(&l.MaxMetadataSize, d.MaxMetadataSize)
	orDefault(&l.MaxFetch, d.MaxFetch)
	orDefault(&l.MaxDownload, d.MaxDownload)
	orDefault(&l.MaxDepth, d.MaxDepth)
	orDefault(&l.MaxJarSize, d.MaxJarSize)
	orDefault(&l.MergeGap, d.MergeGap)
	orDefault(&l.MaxRequests, d.MaxRequests)
	orDefault(&l.MaxNotes, d.MaxNotes)
	orDefault(&l.MaxFiles, d.MaxFiles)
	orDefault(&l.MaxReads, d.MaxReads)
	orDefault(&l.MaxInflate, d.MaxInflate)
	orDefault(&l.MaxReadTime, d.MaxReadTime)
	return l
}

// orDefault replaces a zero (or negative, meaningless) limit by d.
func orDefault[T ~int | ~int64](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}
