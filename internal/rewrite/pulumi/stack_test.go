package pulumi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref/reftest"
)

func TestIsStackFile(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"Pulumi.dev.yaml": true, "infra/Pulumi.prod-eu.yml": true, "pulumi.Staging.YAML": true,
		"Pulumi.yaml": false, "Pulumi.yml": false, "Pulumi..yaml": false, "Pulumi.dev.json": false, "xPulumi.dev.yaml": false,
	} {
		if got := IsStackFile(name); got != want {
			t.Errorf("IsStackFile(%q) = %v, want %v", name, got, want)
		}
	}
}

// program pins a version through a config default, used by the cases
// below with different stack files.
const configProgram = "name: api\nruntime: yaml\nconfig:\n  v:\n    default: 79\nresources:\n  f:\n    properties:\n" +
	"      layers: [\"arn:aws:lambda:us-east-1:017000801446:layer:P:${v}\"]\n"

func TestScanProject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		stacks map[string]string
		want   []string // context version@file:line:col
		warn   string
	}{
		{"no stack file: the default", nil, []string{"resources.f.properties.layers[0] 79@Pulumi.yaml:5:14"}, ""},
		{"a stack that does not set it deploys the default",
			map[string]string{"Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n"},
			[]string{"resources.f.properties.layers[0] 79@Pulumi.yaml:5:14"}, ""},
		{"a stack setting the same number still needs its own edit",
			map[string]string{"Pulumi.dev.yaml": "config:\n  api:v: 79\n"},
			[]string{"stack dev: resources.f.properties.layers[0] 79@Pulumi.dev.yaml:2:10"}, ""},
		{"the key of another project is not this program's",
			map[string]string{"Pulumi.dev.yaml": "config:\n  web:v: 81\n"},
			[]string{"resources.f.properties.layers[0] 79@Pulumi.yaml:5:14"}, ""},
		{"a key without namespace and one stack of two",
			map[string]string{"Pulumi.dev.yaml": "config:\n  v: '81'\n", "Pulumi.prod.yaml": "config: {}\n"},
			[]string{"resources.f.properties.layers[0] 79@Pulumi.yaml:5:14", "stack dev: resources.f.properties.layers[0] 81@Pulumi.dev.yaml:2:7"}, ""},
		{"a stack file that does not parse is reported, the others still count",
			map[string]string{"Pulumi.dev.yaml": "config: [\n", "Pulumi.prod.yaml": "config:\n  api:v: 80\n"},
			[]string{"stack prod: resources.f.properties.layers[0] 80@Pulumi.prod.yaml:2:10"}, "Pulumi.dev.yaml:1: parse YAML"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files := []ref.File{{Path: "Pulumi.yaml", Src: []byte(configProgram)}}
			for name, src := range tc.stacks {
				files = append(files, ref.File{Path: name, Src: []byte(src)})
			}
			refs, warns := ScanProject(files)
			reftest.CheckVersionAt(t, files, refs)
			var got []string
			for _, r := range refs {
				got = append(got, r.Context+" "+strings.TrimPrefix(r.ARN, "arn:aws:lambda:us-east-1:017000801446:layer:P:${v}")+describe(r))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
			checkWarning(t, warns, tc.warn)
		})
	}
}

func describe(r ref.Reference) string {
	if r.Version == nil || r.VersionAt == nil {
		return "-"
	}
	return fmt.Sprintf("%d@%s", *r.Version, r.VersionAt)
}
