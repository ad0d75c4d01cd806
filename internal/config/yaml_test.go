package config_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/config"
)

type rule struct {
	Layer string `yaml:"layer"`
	Max   int    `yaml:"max"`
}

type settings struct {
	Version int           `yaml:"version"`
	Every   time.Duration `yaml:"every"`
	Labels  []string      `yaml:"labels"`
	Rules   []rule        `yaml:"rules"`
	Nested  struct {
		On bool `yaml:"on"`
	} `yaml:"nested"`
}

func TestDecodeYAML(t *testing.T) {
	t.Parallel()
	src := "version: 1\nevery: 6h\nlabels: [a, b]\nrules:\n  - layer: x\n    max: 3\nnested:\n  on: true\n"
	got := settings{Version: 9}
	if err := config.DecodeYAML("c.yml", []byte(src), &got); err != nil {
		t.Fatal(err)
	}
	want := settings{Version: 1, Every: 6 * time.Hour, Labels: []string{"a", "b"}, Rules: []rule{{"x", 3}}}
	want.Nested.On = true
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Absent keys keep their defaults; an empty file says nothing.
	def := settings{Version: 9}
	if err := config.DecodeYAML("c.yml", nil, &def); err != nil || def.Version != 9 {
		t.Errorf("empty file: %+v, %v", def, err)
	}
}

func TestDecodeYAMLErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      []string // file:line:col: message prefixes
	}{
		{"unknown keys, all of them", "versoin: 1\nrules:\n  - layer: x\n    mx: 3\n",
			[]string{`c.yml:1:1: unknown key "versoin"`, `c.yml:4:5: unknown key "mx"`}},
		{"wrong types", "version: one\nevery: soon\nlabels: a\nnested: [1]\n",
			[]string{`c.yml:1:10: "one" is not a whole number`, `c.yml:2:8: "soon" is not a duration`, `c.yml:3:9: "a" is not a list`, `c.yml:4:9: want a mapping of keys, found a list`}},
		{"duplicate key", "version: 1\nversion: 2\n", []string{`c.yml:2:1: key "version" given twice`}},
		{"syntax", "version: [1\n", []string{`c.yml:`}},
	}
	for _, tc := range tests {
		var s settings
		err := config.DecodeYAML("c.yml", []byte(tc.src), &s)
		pe, ok := errors.AsType[config.ParseErrors](err)
		if !ok || len(pe) != len(tc.want) {
			t.Errorf("%s: %v, want %d errors", tc.name, err, len(tc.want))
			continue
		}
		for i, w := range tc.want {
			if !strings.HasPrefix(pe[i].Error(), w) {
				t.Errorf("%s: error %d = %q, want it to start with %q", tc.name, i, pe[i].Error(), w)
			}
		}
	}
}

// FuzzDecodeYAML: any input decodes or fails with located errors; it
// never panics.
func FuzzDecodeYAML(f *testing.F) {
	for _, s := range []string{"version: 1\n", "rules:\n  - layer: x\n", "every: 1h\nlabels: [a]\n", "a: &x [1]\nb: *x\n", "- 1\n", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		var s settings
		err := config.DecodeYAML("f.yml", src, &s)
		if pe, ok := errors.AsType[config.ParseErrors](err); ok {
			for _, e := range pe {
				if e.Path != "f.yml" || e.Message == "" {
					t.Fatalf("unlocated error %+v", e)
				}
			}
		} else if err != nil {
			t.Fatalf("error of type %T: %v", err, err)
		}
	})
}
