package layerzip

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMergeSpans(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		adds []span
		want []span
	}{
		{"disjoint stay apart", []span{{10, 20}, {0, 5}, {30, 40}}, []span{{0, 5}, {10, 20}, {30, 40}}},
		{"overlap merges", []span{{0, 10}, {5, 15}}, []span{{0, 15}}},
		{"touching merges", []span{{0, 10}, {10, 20}}, []span{{0, 20}}},
		{"one covers several", []span{{0, 2}, {4, 6}, {8, 10}, {1, 9}}, []span{{0, 10}}},
		{"reread counted once", []span{{100, 200}, {100, 200}}, []span{{100, 200}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mergeSpans(append([]span(nil), tt.adds...))
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(span{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
