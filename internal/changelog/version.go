package changelog

import (
	"strconv"
	"strings"
)

// preRank orders the pre- and post-release words of PEP 440 and semver
// against a release (rank 0): dev < alpha < beta < rc < release < post.
var preRank = map[string]int{
	"dev": -5, "snapshot": -5,
	"a": -4, "alpha": -4,
	"b": -3, "beta": -3,
	"pre": -2, "preview": -2,
	"c": -1, "rc": -1,
	"post": 1, "p": 1, "r": 1, "rev": 1,
}

// compareVersions orders two version strings well enough to tell an
// upgrade from a downgrade: numeric segments compare as numbers, known
// pre/post-release words by their rank, and build metadata (+local) is
// ignored. ok is false when the strings cannot be ordered (no leading
// number, unknown words that differ).
func compareVersions(a, b string) (cmp int, ok bool) {
	ta, oka := tokens(a)
	tb, okb := tokens(b)
	if !oka || !okb {
		return 0, false
	}
	for i := 0; i < max(len(ta), len(tb)); i++ {
		x, y := token{num: true, missing: true}, token{num: true, missing: true}
		if i < len(ta) {
			x = ta[i]
		}
		if i < len(tb) {
			y = tb[i]
		}
		c, ok := x.compare(y)
		if !ok {
			return 0, false
		}
		if c != 0 {
			return c, true
		}
	}
	return 0, true
}

// token is one segment: a number, or a word with its rank.
type token struct {
	num     bool
	missing bool // past the end of the shorter version
	n       uint64
	word    string
}

// compare: a missing segment is a zero number, so 1.0 == 1.0.0, and a
// word after the release (1.0rc1 vs 1.0) ranks against that zero.
func (x token) compare(y token) (int, bool) {
	switch {
	case x.num && y.num:
		return cmpInt(x.n, y.n), true
	case !x.num && !y.num:
		rx, okx := preRank[x.word]
		ry, oky := preRank[y.word]
		if okx && oky {
			return cmpInt(rx, ry), true
		}
		return 0, x.word == y.word
	case x.num:
		r, ok := preRank[y.word]
		if !ok {
			return 0, false
		}
		if x.missing {
			return cmpInt(0, r), true // 1.0 vs 1.0rc1 or 1.0.post1
		}
		return 1, true // 1.0.1 is after 1.0rc1 and 1.0.post1
	default:
		c, ok := y.compare(x)
		return -c, ok
	}
}

func cmpInt[T int | uint64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// tokens splits "v1.2.3-rc.1+build" into 1 2 3 rc 1. The first segment
// must be a number.
func tokens(v string) ([]token, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	v = strings.TrimPrefix(v, "v")
	if i := strings.IndexByte(v, '+'); i >= 0 {
		v = v[:i]
	}
	if i := strings.IndexByte(v, '!'); i >= 0 {
		v = v[i+1:] // PEP 440 epoch: rare enough to ignore
	}
	var out []token
	for i := 0; i < len(v); {
		c := v[i]
		j := i
		switch {
		case c >= '0' && c <= '9':
			for j < len(v) && v[j] >= '0' && v[j] <= '9' {
				j++
			}
			n, err := strconv.ParseUint(v[i:j], 10, 64)
			if err != nil {
				return nil, false
			}
			out = append(out, token{num: true, n: n})
		case c >= 'a' && c <= 'z':
			for j < len(v) && v[j] >= 'a' && v[j] <= 'z' {
				j++
			}
			out = append(out, token{word: v[i:j]})
		default:
			j++
		}
		i = j
	}
	if len(out) == 0 || !out[0].num {
		return nil, false
	}
	return out, true
}
