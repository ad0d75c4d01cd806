package layerzip

import (
	"archive/zip"
	"errors"
	"sort"
)

const (
	// localSlack covers a local header whose extra field is longer than
	// the central one (an extended timestamp, a zip64 record).
	localSlack = 64
	// descriptorSlack covers a data descriptor after the data (signature,
	// CRC and two 64-bit sizes).
	descriptorSlack = 24
	// headerLen is the fixed part of a local file header.
	headerLen = 30
)

// span is a half-open byte range [start, end) of the zip.
type span struct{ start, end int64 }

// group is one request: the range fetched and the pieces kept from it.
type group struct {
	span
	pieces []span
}

// prefetchEntries fetches the local headers and data of files in as few
// requests as the limits allow. Offsets come from archive/zip itself:
// while probing, DataOffset's read of each local header is recorded
// instead of fetched. A failure is kept in r.err for the caller.
func (r *remote) prefetchEntries(files []*zip.File) {
	var want []span
	for _, f := range files {
		data := int64(f.CompressedSize64)
		if f.Flags&0x8 != 0 {
			data += descriptorSlack
		}
		r.mu.Lock()
		r.probing, r.probes = true, r.probes[:0]
		r.mu.Unlock()
		off, err := f.DataOffset() // re-enters ReadAt, so r.mu is not held
		r.mu.Lock()
		probes := r.probes
		r.probing = false
		r.mu.Unlock()
		switch {
		case err == nil:
			want = append(want, span{off, off + data})
		case errors.Is(err, errProbe) && len(probes) == 1:
			h := probes[0]
			want = append(want, span{h, h + headerLen + int64(len(f.Name)+len(f.Extra)) + localSlack + data})
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.probes = nil
	if r.err != nil {
		return
	}
	for i := range want {
		want[i].start = max(want[i].start, 0)
		want[i].end = min(want[i].end, r.size)
	}
	for _, g := range coalesce(want, r.limits.MergeGap, r.limits.MaxRequests) {
		if err := r.fetch(g.start, g.end, g.pieces); err != nil {
			r.err = err
			return
		}
	}
}

// coalesce merges wanted ranges into requests: overlapping ranges become
// one piece, pieces closer than gap share a request, and while there are
// more than maxReq requests the smallest remaining gaps (up to 8×gap) are
// merged too. Gap bytes are fetched and thrown away, never kept.
func coalesce(want []span, gap int64, maxReq int) []group {
	var pieces []span
	sort.Slice(want, func(i, j int) bool { return want[i].start < want[j].start })
	for _, w := range want {
		if w.end <= w.start {
			continue
		}
		if n := len(pieces); n > 0 && w.start <= pieces[n-1].end {
			pieces[n-1].end = max(pieces[n-1].end, w.end)
			continue
		}
		pieces = append(pieces, w)
	}
	if len(pieces) == 0 {
		return nil
	}
	merge := make([]bool, len(pieces)-1)
	requests := len(pieces)
	var rest []int
	for i := range merge {
		g := pieces[i+1].start - pieces[i].end
		if g <= gap {
			merge[i] = true
			requests--
		} else {
			rest = append(rest, i)
		}
	}
	sort.SliceStable(rest, func(a, b int) bool {
		return pieces[rest[a]+1].start-pieces[rest[a]].end < pieces[rest[b]+1].start-pieces[rest[b]].end
	})
	for _, i := range rest {
		if requests <= maxReq || pieces[i+1].start-pieces[i].end > 8*gap {
			break
		}
		merge[i] = true
		requests--
	}
	groups := []group{{span: pieces[0], pieces: []span{pieces[0]}}}
	for i, p := range pieces[1:] {
		g := &groups[len(groups)-1]
		if merge[i] {
			g.end = p.end
			g.pieces = append(g.pieces, p)
			continue
		}
		groups = append(groups, group{span: p, pieces: []span{p}})
	}
	return groups
}
