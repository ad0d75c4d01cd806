package ghstore

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Window is one write limit: at most N writes in any Per.
type Window struct {
	N   int
	Per time.Duration
}

// Limits are the write limits of an installation; every window must
// hold.
type Limits []Window

// DefaultLimits are GitHub's documented secondary limits for
// content-creating requests of an installation.
const DefaultLimits = "80/1m,500/1h"

// String writes the limits as ParseLimits reads them.
func (l Limits) String() string {
	parts := make([]string, len(l))
	for i, w := range l {
		parts[i] = fmt.Sprintf("%d/%s", w.N, w.Per)
	}
	return strings.Join(parts, ",")
}

// Rate is the sustained writes per second the tightest window allows.
func (l Limits) Rate() float64 {
	rate := 0.0
	for i, w := range l {
		r := float64(w.N) / w.Per.Seconds()
		if i == 0 || r < rate {
			rate = r
		}
	}
	return rate
}

// ParseLimits reads limits written "N/DURATION[,N/DURATION...]", for
// example "80/1m,500/1h". A mistake is reported with the column (from 1)
// where the item holding it starts.
func ParseLimits(s string) (Limits, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("write limits %q: empty; want N/DURATION[,N/DURATION...] like %s", s, DefaultLimits)
	}
	var out Limits
	col := 1
	for _, item := range strings.Split(s, ",") {
		w, err := parseWindow(strings.TrimSpace(item))
		if err != nil {
			return nil, fmt.Errorf("write limits %q: column %d (%q): %w", s, col+len(item)-len(strings.TrimLeft(item, " ")), item, err)
		}
		out = append(out, w)
		col += len(item) + 1
	}
	return out, nil
}

func parseWindow(item string) (Window, error) {
	n, per, ok := strings.Cut(item, "/")
	if !ok {
		return Window{}, fmt.Errorf("want N/DURATION like 80/1m")
	}
	count, err := strconv.Atoi(n)
	if err != nil || count <= 0 {
		return Window{}, fmt.Errorf("count %q is not a positive whole number", n)
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return Window{}, fmt.Errorf("duration %q is not a positive duration like 1m or 1h", per)
	}
	if d < time.Millisecond {
		return Window{}, fmt.Errorf("duration %q is shorter than a millisecond", per)
	}
	return Window{N: count, Per: d}, nil
}
