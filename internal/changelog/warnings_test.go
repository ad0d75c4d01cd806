package changelog

import (
	"slices"
	"testing"
)

func TestGrowthWarning(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		zipped, unzipd Pair[int64]
		want           string
	}{
		{"20% is not a jump", Pair[int64]{100, 120}, Pair[int64]{1000, 1200}, ""},
		{"21% unzipped", Pair[int64]{100, 100}, Pair[int64]{1000, 1210}, "The layer grows by 21% unzipped (1000 B → 1.2 KB)."},
		{"unzipped known wins over zipped", Pair[int64]{100, 200}, Pair[int64]{1000, 1100}, ""},
		{"zipped when unzipped is unknown", Pair[int64]{100, 200}, Pair[int64]{0, 1100}, "The layer grows by 100% zipped (100 B → 200 B)."},
		{"shrinking", Pair[int64]{200, 100}, Pair[int64]{0, 0}, ""},
		{"no old size", Pair[int64]{0, 100}, Pair[int64]{0, 0}, ""},
	}
	for _, tt := range tests {
		c := &Changelog{Layer: Layer{Size: tt.zipped}, Unzipped: tt.unzipd}
		if got := c.growth(); got != tt.want {
			t.Errorf("%s: growth = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDroppedFrom(t *testing.T) {
	t.Parallel()
	if got := droppedFrom(Pair[[]string]{From: []string{"x86_64", "arm64"}, To: []string{}}); got != nil {
		t.Errorf("an empty new list restricts nothing, got %q", got)
	}
	if got := droppedFrom(Pair[[]string]{From: []string{"python3.11", "python3.12"}, To: []string{"python3.12"}}); !slices.Equal(got, []string{"python3.11"}) {
		t.Errorf("dropped = %q", got)
	}
}
