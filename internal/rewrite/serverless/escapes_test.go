package serverless

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// TestScanDoubleQuotedEscapes checks that an ARN in a double-quoted
// scalar is located at its own first byte after escapes and folded lines,
// reported as written when the file spells it without escapes, and that
// version_at is set exactly when the version digits are written as is.
func TestScanDoubleQuotedEscapes(t *testing.T) {
	t.Parallel()
	const (
		head = "service: s\nprovider:\n  name: aws\n  layers:\n"
		arn  = "arn:aws:lambda:us-east-1:123456789012:layer:requests-py312:1"
	)
	base := got{ARN: arn, Region: "us-east-1", Account: "123456789012", Layer: "requests-py312", Version: 1, Context: "provider.layers[0]"}
	with := func(at, versionAt string) []got {
		g := base
		g.At, g.VersionAt = at, versionAt
		return []got{g}
	}
	tests := []struct {
		name, src string
		want      []got
	}{
		{
			name: "unicode escape inside the layer name",
			src:  head + "    - \"arn:aws:lambda:us-east-1:123456789012:layer:requests\\u002dpy312:1\"\n",
			want: with("5:8", "5:72"),
		},
		{
			name: "escaped quote and backslash before the arn",
			src:  head + "    - \"\\\"\\\\ " + arn + "\"\n",
			want: with("5:13", "5:72"),
		},
		{
			name: "escape in the version",
			src:  head + "    - \"arn:aws:lambda:us-east-1:123456789012:layer:requests-py312:\\x31\"\n",
			want: with("5:8", ""),
		},
		{
			name: "folded line break after an escape",
			src:  head + "    - \"\\ttext\n      " + arn + "\"\n",
			want: with("6:7", "6:66"),
		},
		{
			name: "escaped line break inside the arn",
			src:  head + "    - \"arn:aws:lambda:us-east-1:123456789012:\\\n      layer:requests-py312:1\"\n",
			want: with("5:8", "6:28"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := ref.File{Path: "serverless.yml", Src: []byte(tc.src)}
			refs, warns := Scan(f)
			if len(warns) != 0 {
				t.Fatalf("warnings: %v", warns)
			}
			if diff := cmp.Diff(tc.want, flatten(t, f, refs)); diff != "" {
				t.Errorf("references (-want +got):\n%s", diff)
			}
		})
	}
}
