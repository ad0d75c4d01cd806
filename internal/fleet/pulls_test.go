package fleet

import (
	"testing"
	"time"
)

// A pull request moves a layer's pins when it is the layer's own (its
// branch and title) or a grouped one naming the layer.
func TestMoves(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		pull  Pull
		layer string
		want  bool
	}{
		{"own branch", Pull{Branch: "bumpbot/node-utils", Title: "Bump node-utils layer from 10 to 14"}, "node-utils", true},
		{"own branch with a prefix", Pull{Branch: "bumpbot/node-utils", Title: "chore(deps): Bump node-utils layer from 10 to 14"}, "node-utils", true},
		{"own branch, region added", Pull{Branch: "bumpbot/node-utils-eu-west-1", Title: "Bump node-utils layer from 9 to 11"}, "node-utils", true},
		{"a longer layer's branch", Pull{Branch: "bumpbot/node-utils", Title: "Bump node-utils layer from 10 to 14"}, "node", false},
		{"grouped, named", Pull{Branch: "bumpbot/group-python", Title: "Bump 2 layers", Body: "pandas 2 → 3"}, "pandas", true},
		{"grouped, not named", Pull{Branch: "bumpbot/layers", Title: "Bump 2 layers", Body: "numpy 2 → 3"}, "pandas", false},
		{"another layer", Pull{Branch: "bumpbot/pandas", Title: "Bump pandas layer from 2 to 3"}, "node-utils", false},
	} {
		if got := moves(tc.pull, tc.layer); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	for d, want := range map[time.Duration]string{time.Hour: "today", 30 * time.Hour: "1 day", 73 * time.Hour: "3 days", -time.Hour: "today"} {
		if got := age(d); got != want {
			t.Errorf("age(%v) = %q, want %q", d, got, want)
		}
	}
}
