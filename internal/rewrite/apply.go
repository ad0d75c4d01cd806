package rewrite

import (
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// Edit moves the version literal at Offset (Len bytes of decimal digits,
// currently From) to To.
type Edit struct {
	Offset, Len int
	From, To    int
	// FromText, when set, is the word the edit replaces instead of the
	// digits of From (a pin on latest moved to a number).
	FromText string
}

// EditFor returns the edit that moves r to version to, if r's version is a
// literal the scanner located.
func EditFor(r ref.Reference, to int) (Edit, bool) {
	if r.VersionAt == nil || r.Version == nil || r.VersionLen == 0 {
		return Edit{}, false
	}
	return Edit{Offset: r.VersionAt.Offset, Len: r.VersionLen, From: *r.Version, To: to}, true
}

// EditForText returns the edit that replaces r's non-numeric version
// (latest) by version to, if the scanner located the word.
func EditForText(r ref.Reference, to int) (Edit, bool) {
	if r.VersionTextAt == nil || r.VersionText == "" {
		return Edit{}, false
	}
	return Edit{Offset: r.VersionTextAt.Offset, Len: len(r.VersionText), FromText: r.VersionText, To: to}, true
}

// ErrRefused is wrapped by every error of Apply that refuses an edit.
var ErrRefused = errors.New("edit refused")

// Apply replaces the version digits of each edit in src and returns the new
// bytes. Everything but those digits is kept byte for byte. The result is
// parsed and scanned again with the file's own parser: if it no longer
// parses, or any reference other than the targeted ones changed, Apply
// returns an error wrapping ErrRefused and no bytes.
func Apply(path string, src []byte, edits []Edit) ([]byte, error) {
	if len(edits) == 0 {
		return src, nil
	}
	edits = append([]Edit(nil), edits...)
	sort.Slice(edits, func(i, j int) bool { return edits[i].Offset < edits[j].Offset })
	out := make([]byte, 0, len(src)+8*len(edits))
	last := 0
	for i, e := range edits {
		if err := checkEdit(src, e); err != nil {
			return nil, fmt.Errorf("%s: %w: %w", path, ErrRefused, err)
		}
		if i > 0 && e.Offset < edits[i-1].Offset+edits[i-1].Len {
			if e == edits[i-1] {
				continue // the same literal named twice
			}
			return nil, fmt.Errorf("%s: %w: overlapping edits at byte %d", path, ErrRefused, e.Offset)
		}
		out = append(out, src[last:e.Offset]...)
		out = strconv.AppendInt(out, int64(e.To), 10)
		last = e.Offset + e.Len
	}
	out = append(out, src[last:]...)
	if err := verify(path, src, out, edits); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", path, ErrRefused, err)
	}
	return out, nil
}

// checkEdit makes sure the edit targets exactly the expected digits.
func checkEdit(src []byte, e Edit) error {
	if e.Offset < 0 || e.Len <= 0 || e.Offset+e.Len > len(src) {
		return fmt.Errorf("edit at byte %d is outside the file", e.Offset)
	}
	if e.To <= 0 {
		return fmt.Errorf("version %d is not a layer version", e.To)
	}
	got := string(src[e.Offset : e.Offset+e.Len])
	if e.FromText != "" {
		if got != e.FromText {
			return fmt.Errorf("expected version %q at byte %d, found %q", e.FromText, e.Offset, got)
		}
		return nil
	}
	if n, err := strconv.Atoi(got); err != nil || n != e.From || got[0] == '+' || got[0] == '-' {
		return fmt.Errorf("expected version %d at byte %d, found %q", e.From, e.Offset, got)
	}
	return nil
}

// verify rescans before and after: the result must parse, the targeted
// references must now carry their new version and every other reference
// must be unchanged.
func verify(path string, before, after []byte, edits []Edit) error {
	oldRefs, oldWarns := ScanFile(path, before)
	newRefs, newWarns := ScanFile(path, after)
	if unparsed(newWarns) && !unparsed(oldWarns) {
		return fmt.Errorf("the edited file no longer parses: %s", firstUnparsed(newWarns))
	}
	if len(oldRefs) != len(newRefs) {
		return fmt.Errorf("the edit changed the number of references from %d to %d", len(oldRefs), len(newRefs))
	}
	targets := map[int]int{} // old offset -> new version
	for _, e := range edits {
		targets[e.Offset] = e.To
	}
	for i := range oldRefs {
		o, n := oldRefs[i], newRefs[i]
		want := o.Version
		if o.VersionAt != nil {
			if to, ok := targets[o.VersionAt.Offset]; ok {
				want = &to
			}
		}
		if o.VersionTextAt != nil {
			if to, ok := targets[o.VersionTextAt.Offset]; ok {
				// A word replaced by a number: the reference now has
				// its version where the word was.
				want = &to
				o.VersionAt = o.VersionTextAt
			}
		}
		if !sameRef(o, n, want) {
			return fmt.Errorf("reference %s changed unexpectedly", o.Pos)
		}
	}
	return nil
}

// sameRef compares what an edit must not change, with the version expected
// to be want.
func sameRef(o, n ref.Reference, want *int) bool {
	if (want == nil) != (n.Version == nil) || (want != nil && *want != *n.Version) {
		return false
	}
	return o.Layer == n.Layer && o.Partition == n.Partition && o.Region == n.Region &&
		o.Account == n.Account && o.Format == n.Format && o.Context == n.Context &&
		o.File == n.File && (o.VersionAt == nil) == (n.VersionAt == nil)
}

func unparsed(ws []problem.Problem) bool { return firstUnparsed(ws) != "" }

func firstUnparsed(ws []problem.Problem) string {
	for _, w := range ws {
		if w.Kind == problem.Parse {
			return w.Error()
		}
	}
	return ""
}
