package terraform

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"golang.org/x/tools/txtar"
)

// parseArchive parses a txtar archive ("-- main.tf --" sections) into files.
func parseArchive(archive string) []ref.File {
	ar := txtar.Parse([]byte(archive))
	files := make([]ref.File, 0, len(ar.Files))
	seen := map[string]bool{}
	for _, f := range ar.Files {
		// One directory cannot hold two files of one name: a fuzzed
		// archive that repeats a name keeps the first.
		if seen[f.Name] {
			continue
		}
		seen[f.Name] = true
		files = append(files, ref.File{Path: f.Name, Src: f.Data})
	}
	return files
}

// want is one expected reference. Positions are given as "file|needle":
// the first occurrence of needle in file, so the expectations say what
// text the position points at instead of bare numbers.
type want struct {
	at      string // reference position
	arn     string
	version int    // 0: not statically known (null)
	verAt   string // position of the version literal; "" when none
	context string
	fn      string // "runtime arch,arch"; "" when no function is known
}

// locate resolves "file|needle" in files.
func locate(t *testing.T, files []ref.File, spec string) ref.Pos {
	t.Helper()
	name, needle, ok := strings.Cut(spec, "|")
	if !ok {
		t.Fatalf("bad position spec %q", spec)
	}
	for _, f := range files {
		if f.Path != name {
			continue
		}
		i := strings.Index(string(f.Src), needle)
		if i < 0 {
			t.Fatalf("needle %q not in %s", needle, name)
		}
		return ref.NewLines(name, f.Src).Pos(i)
	}
	t.Fatalf("no file %s", name)
	return ref.Pos{}
}

func fnString(f *ref.Function) string {
	if f == nil {
		return ""
	}
	return strings.TrimSpace(f.Runtime + " " + strings.Join(f.Architectures, ","))
}

func describe(r ref.Reference) string {
	v, at := "null", "null"
	if r.Version != nil {
		v = fmt.Sprint(*r.Version)
	}
	if r.VersionAt != nil {
		at = r.VersionAt.String()
	}
	return fmt.Sprintf("%s %s version=%s at=%s context=%s fn=%q", r.Pos, r.ARN, v, at, r.Context, fnString(r.Function))
}

// check compares references with wants, in order.
func check(t *testing.T, files []ref.File, got []ref.Reference, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		for _, r := range got {
			t.Logf("got %s", describe(r))
		}
		t.Fatalf("got %d references, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		r := got[i]
		var errs []string
		if p := locate(t, files, w.at); r.Pos != p {
			errs = append(errs, fmt.Sprintf("position %s, want %s", r.Pos, p))
		}
		if r.ARN != w.arn {
			errs = append(errs, fmt.Sprintf("arn %q, want %q", r.ARN, w.arn))
		}
		switch {
		case w.version == 0 && r.Version != nil:
			errs = append(errs, fmt.Sprintf("version %d, want null", *r.Version))
		case w.version != 0 && (r.Version == nil || *r.Version != w.version):
			errs = append(errs, fmt.Sprintf("version %v, want %d", r.Version, w.version))
		}
		switch {
		case w.verAt == "" && r.VersionAt != nil:
			errs = append(errs, fmt.Sprintf("version_at %s, want null", r.VersionAt))
		case w.verAt != "":
			if p := locate(t, files, w.verAt); r.VersionAt == nil || *r.VersionAt != p {
				errs = append(errs, fmt.Sprintf("version_at %v, want %s", r.VersionAt, p))
			}
		}
		if r.Context != w.context {
			errs = append(errs, fmt.Sprintf("context %q, want %q", r.Context, w.context))
		}
		if fnString(r.Function) != w.fn {
			errs = append(errs, fmt.Sprintf("function %q, want %q", fnString(r.Function), w.fn))
		}
		if r.Format != ref.Terraform {
			errs = append(errs, fmt.Sprintf("format %q", r.Format))
		}
		if len(errs) > 0 {
			t.Errorf("reference %d (%s):\n  %s", i, describe(r), strings.Join(errs, "\n  "))
		}
	}
}
