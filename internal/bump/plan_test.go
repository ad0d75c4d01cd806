package bump

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// dirRegistry writes a directory registry: layer path (partition/region/
// account/name) -> versions, each with the runtimes given for it.
func dirRegistry(t *testing.T, layout map[string]map[int][]string) layers.Registry {
	t.Helper()
	root := t.TempDir()
	for dir, versions := range layout {
		full := filepath.Join(root, filepath.FromSlash(dir))
		if err := os.MkdirAll(full, 0o755); err != nil {
			t.Fatal(err)
		}
		for v, runtimes := range versions {
			base := filepath.Join(full, fmt.Sprint(v))
			meta := fmt.Sprintf(`{"description":"v%d","compatible_runtimes":[%s]}`, v, quoteAll(runtimes))
			if err := os.WriteFile(base+".zip", []byte(fmt.Sprintf("zip of %s:%d", dir, v)), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(base+".json", []byte(meta), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	reg, err := layers.OpenRegistry(context.Background(), "dir:"+root, layers.RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func quoteAll(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ",")
}

func versions(vs ...int) map[int][]string {
	m := map[int][]string{}
	for _, v := range vs {
		m[v] = nil
	}
	return m
}

const acct = "123456789012"

func testRegistry(t *testing.T) layers.Registry {
	return dirRegistry(t, map[string]map[int][]string{
		"aws/us-east-1/" + acct + "/a":     versions(1, 2, 3, 5, 7),
		"aws/us-east-1/" + acct + "/b":     versions(1, 2, 3, 4),
		"aws/us-east-1/" + acct + "/multi": versions(3, 4, 5, 6),
		"aws/eu-west-1/" + acct + "/multi": versions(2, 3, 5),
		"aws/us-east-1/" + acct + "/py":    {1: {"python3.11"}, 2: {"python3.11", "python3.12"}, 3: {"python3.12"}},
		"aws/us-east-1/" + acct + "/gone":  versions(1, 2),
		"aws/us-east-1/" + acct + "/odd":   versions(1, 3),
		"aws/us-east-1/" + acct + "/pyx":   {1: nil, 2: {"python3.11"}, 3: {"python3.12"}},
	})
}

// regionPlaceholderTemplate pins layer "multi" at 3 in whatever region it
// deploys to.
const regionPlaceholderTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Layers:
        - !Sub arn:aws:lambda:${AWS::Region}:` + acct + `:layer:multi:3
`

func arn(layer string, v int) string {
	return fmt.Sprintf("arn:aws:lambda:us-east-1:%s:layer:%s:%d", acct, layer, v)
}

type summary struct {
	Changes []string
	Errors  []string
	Notes   []string
}

func summarize(p Plan) summary {
	var s summary
	for _, c := range p.Changes {
		s.Changes = append(s.Changes, fmt.Sprintf("%s:%d %s %d->%d", c.File, c.Line, c.Layer, c.From, c.To))
	}
	for _, e := range p.Errors {
		s.Errors = append(s.Errors, "["+string(e.Kind)+"] "+e.Error())
	}
	for _, n := range p.Notes {
		s.Notes = append(s.Notes, "["+string(n.Kind)+"] "+n.Error())
	}
	return s
}

func TestPlanFiles(t *testing.T) {
	t.Parallel()
	reg := testRegistry(t)
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		want  []string // changes
		errs  []string // substrings, one per error
		notes []string // substrings, one per note
	}{
		{
			name:  "literal pins, latest",
			files: map[string]string{"layers.txt": arn("a", 2) + "\n" + arn("b", 4) + "\n"},
			want:  []string{"layers.txt:1 a 2->7"},
		},
		{
			name:  "next strategy steps over a gap",
			files: map[string]string{"layers.txt": arn("a", 3) + "\n"},
			opts:  Options{Strategy: layers.Next},
			want:  []string{"layers.txt:1 a 3->5"},
		},
		{
			name: "shared variable moves to the lowest common target",
			files: map[string]string{"main.tf": `variable "v" {
  default = 2
}
resource "aws_lambda_function" "f" {
  layers = ["arn:aws:lambda:us-east-1:` + acct + `:layer:a:${var.v}", "arn:aws:lambda:us-east-1:` + acct + `:layer:b:${var.v}"]
}
`},
			// a has no version 4: the literal moves to the newest version
			// both layers have, not to the smaller of their own targets.
			want:  []string{"main.tf:5 a 2->3", "main.tf:5 b 2->3"},
			notes: []string{"newest version all of them accept, 3"},
		},
		{
			name: "shared variable never lands on a version one function cannot use",
			files: map[string]string{"main.tf": `variable "v" {
  default = 1
}
resource "aws_lambda_function" "f" {
  runtime = "python3.12"
  layers  = ["arn:aws:lambda:us-east-1:` + acct + `:layer:pyx:${var.v}", "arn:aws:lambda:us-east-1:` + acct + `:layer:b:${var.v}"]
}
`},
			opts: Options{Strategy: layers.Next},
			// b's next is 2, which pyx has only for python3.11; pyx's next
			// for python3.12 is 3, past b's next: nothing both accept.
			notes: []string{"shared by 2 references with different targets: no newer version all of them accept"},
		},
		{
			name: "shared variable with no version every layer accepts is left alone",
			files: map[string]string{"main.tf": `variable "v" {
  default = 1
}
resource "aws_lambda_function" "f" {
  layers = ["arn:aws:lambda:us-east-1:` + acct + `:layer:gone:${var.v}", "arn:aws:lambda:us-east-1:` + acct + `:layer:odd:${var.v}"]
}
`},
			notes: []string{"shared by 2 references with different targets: no newer version all of them accept"},
		},
		{
			name:  "region placeholder resolves in every region",
			files: map[string]string{"template.yaml": regionPlaceholderTemplate},
			opts:  Options{Regions: []string{"us-east-1", "eu-west-1"}},
			want:  []string{"template.yaml:7 multi 3->5"},
		},
		{
			name:  "region placeholder without regions",
			files: map[string]string{"template.yaml": regionPlaceholderTemplate},
			errs:  []string{"region is a placeholder"},
		},
		{
			name:  "account placeholder",
			files: map[string]string{"layers.txt": "arn:aws:lambda:us-east-1:${AWS::AccountId}:layer:a:2\n"},
			errs:  []string{"account is a placeholder"},
		},
		{
			name:  "deleted pin is bumped and noted",
			files: map[string]string{"layers.txt": arn("a", 4) + "\n"},
			want:  []string{"layers.txt:1 a 4->7"},
			notes: []string{"pinned version 4 does not exist in us-east-1"},
		},
		{
			name:  "deleted pin without replacement",
			files: map[string]string{"layers.txt": arn("gone", 3) + "\n"},
			errs:  []string{"pinned version 3 does not exist"},
		},
		{
			name: "incompatible newest is skipped",
			files: map[string]string{"template.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.11
      Layers:
        - ` + arn("py", 1) + `
`},
			want:  []string{"template.yaml:8 py 1->2"},
			notes: []string{"skipped version 3 supports python3.12, not python3.11"},
		},
		{
			name:  "unknown layer is an error, others still planned",
			files: map[string]string{"layers.txt": arn("nope", 1) + "\n" + arn("b", 1) + "\n"},
			want:  []string{"layers.txt:2 b 1->4"},
			errs:  []string{"layers.txt:1:1: arn:aws:lambda:us-east-1:" + acct + ":layer:nope: layer not in registry"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var files []ref.File
			for p, src := range tc.files {
				files = append(files, ref.File{Path: p, Src: []byte(src)})
			}
			plan := PlanFiles(context.Background(), files, reg, tc.opts)
			got := summarize(plan)
			if diff := cmp.Diff(tc.want, got.Changes); diff != "" {
				t.Errorf("changes (-want +got):\n%s\nall: %+v", diff, got)
			}
			matchAll(t, "error", tc.errs, got.Errors)
			matchAll(t, "note", tc.notes, got.Notes)
			for _, f := range plan.Files {
				if len(f.After) != len(f.Before)+digitGrowth(plan, f.Path) {
					t.Errorf("%s: more than version digits changed", f.Path)
				}
			}
		})
	}
}

// digitGrowth is how many bytes the edits of a file add.
func digitGrowth(p Plan, path string) int {
	n := 0
	for _, f := range p.Files {
		if f.Path == path {
			for _, e := range f.edits {
				n += len(fmt.Sprint(e.edit.To)) - e.edit.Len
			}
		}
	}
	return n
}

func matchAll(t *testing.T, kind string, want, got []string) {
	t.Helper()
	if len(want) != len(got) {
		t.Errorf("%ss = %q, want %d matching %q", kind, got, len(want), want)
		return
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("%s %d = %q, want it to contain %q", kind, i, got[i], want[i])
		}
	}
}

func TestPlanByLayer(t *testing.T) {
	t.Parallel()
	reg := testRegistry(t)
	src := arn("a", 2) + "\n" + arn("b", 1) + "\n" + arn("a", 3) + "\n"
	plan := PlanFiles(context.Background(), []ref.File{{Path: "x.txt", Src: []byte(src)}}, reg, Options{})
	groups, err := plan.ByLayer()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, g := range groups {
		if len(g.Files) != 1 || len(g.Changelogs) == 0 {
			t.Fatalf("group %s: %d files, %d changelogs", g.LayerID, len(g.Files), len(g.Changelogs))
		}
		got[g.LayerID] = string(g.Files[0].After)
	}
	want := map[string]string{
		acct + ":a": arn("a", 7) + "\n" + arn("b", 1) + "\n" + arn("a", 7) + "\n",
		acct + ":b": arn("a", 2) + "\n" + arn("b", 4) + "\n" + arn("a", 3) + "\n",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("per-layer files (-want +got):\n%s", diff)
	}
}

// TestPlanFilesModuleVariable pins a version kept in variables.tf and used
// in main.tf: the files of one directory are one module, so the bump edits
// the variable's default.
func TestPlanFilesModuleVariable(t *testing.T) {
	t.Parallel()
	reg := testRegistry(t)
	files := []ref.File{
		{Path: "infra/main.tf", Src: []byte(`resource "aws_lambda_function" "f" {
  layers = ["arn:aws:lambda:us-east-1:` + acct + `:layer:a:${var.a_version}"]
}
`)},
		{Path: "infra/variables.tf", Src: []byte("variable \"a_version\" {\n  default = 2\n}\n")},
	}
	plan := PlanFiles(context.Background(), files, reg, Options{})
	if diff := cmp.Diff([]string{"infra/main.tf:2 a 2->7"}, summarize(plan).Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if len(plan.Errors) != 0 {
		t.Errorf("errors: %v", plan.Errors)
	}
	got := map[string]string{}
	for _, f := range plan.Files {
		got[f.Path] = string(f.After)
	}
	want := map[string]string{"infra/variables.tf": "variable \"a_version\" {\n  default = 7\n}\n"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edited files (-want +got):\n%s", diff)
	}
}
