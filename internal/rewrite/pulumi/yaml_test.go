package pulumi

import (
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

func TestScanYAML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      []string // arn@line:col, version_at line:col or "-"
		warn      string
	}{
		{"variables naming each other end", "variables:\n  a: ${b}${b}\n  b: ${a}${a}\nresources:\n  r: arn:aws:lambda:us-east-1:464622532012:layer:X:${a}\n",
			[]string{"arn:aws:lambda:us-east-1:464622532012:layer:X:${a}@5:6 -"}, ""},
		{"a non-scalar variable stays a placeholder", "variables:\n  v:\n    fn::invoke: {function: x}\nresources:\n  r: arn:aws:lambda:${v}:464622532012:layer:X:3\n",
			[]string{"arn:aws:lambda:${v}:464622532012:layer:X:3@5:6 5:47"}, ""},
		{"config section of older programs", "configuration:\n  v: {type: integer, default: 12}\nresources:\n  r:\n    properties:\n      layers: [\"arn:aws:lambda:us-east-1:464622532012:layer:X:${v}\"]\n",
			[]string{"arn:aws:lambda:us-east-1:464622532012:layer:X:${v}@6:17 2:31"}, ""},
		{"config outside the program is not scanned", "config:\n  v: arn:aws:lambda:us-east-1:464622532012:layer:X:3\n", nil, ""},
		{"a file that does not parse", "resources:\n  r: [arn:aws:lambda\n", nil, "Pulumi.yaml:1: parse YAML"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			refs, warns := ScanYAML(ref.File{Path: "Pulumi.yaml", Src: []byte(tc.src)})
			var got []string
			for _, r := range refs {
				at := "-"
				if r.VersionAt != nil {
					at = strings.TrimPrefix(r.VersionAt.String(), "Pulumi.yaml:")
				}
				got = append(got, r.ARN+"@"+strings.TrimPrefix(r.Pos.String(), "Pulumi.yaml:")+" "+at)
				if r.Format != ref.Pulumi {
					t.Errorf("format %q", r.Format)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			checkWarning(t, warns, tc.warn)
		})
	}
}

// checkWarning asserts that warns is empty when want is, else a single
// parse problem starting with want.
func checkWarning(t *testing.T, warns []problem.Problem, want string) {
	t.Helper()
	switch {
	case want == "" && len(warns) > 0:
		t.Errorf("warnings %v", warns)
	case want != "" && (len(warns) != 1 || warns[0].Kind != problem.Parse || !strings.HasPrefix(warns[0].Error(), want)):
		t.Errorf("warnings %v, want %q", warns, want)
	}
}
