package cloudformation

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref/reftest"
	"github.com/bumpbot/bumpbot/internal/testtool"
)

// TestBumpedTemplatesPassCfnLint bumps every version literal of templates
// cfn-lint accepts and asks cfn-lint, an independent validator, whether
// the results are still valid templates. The roundtrip tests are the main
// coverage of edits; this one needs cfn-lint on PATH.
func TestBumpedTemplatesPassCfnLint(t *testing.T) {
	t.Parallel()
	lint := testtool.Need(t, "cfn-lint")
	dir := t.TempDir()
	var paths []string
	for _, name := range []string{"sam_app.yaml", "cfn_json.json"} {
		orig, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		src := bumpAll(name, orig)
		if bytes.Equal(src, orig) {
			t.Fatalf("%s: nothing was bumped", name)
		}
		out := filepath.Join(dir, name)
		if err := os.WriteFile(out, src, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, out)
	}
	// One run for all files: cfn-lint takes seconds to start.
	if msg, err := exec.Command(lint, paths...).CombinedOutput(); err != nil {
		t.Errorf("cfn-lint on the bumped templates: %v\n%s", err, msg)
	}
}

// bumpAll bumps each version literal once, rescanning after each edit as
// bumpbot does when several pins move in one pull request.
func bumpAll(name string, src []byte) []byte {
	format, _ := Detect(src)
	done := map[int]bool{}
	for i := 0; ; i++ {
		refs, _ := Scan(ref.File{Path: name, Src: src}, format)
		if i >= len(refs) {
			return src
		}
		if r := refs[i]; r.VersionAt != nil && !done[r.VersionAt.Offset] {
			done[r.VersionAt.Offset] = true
			src = reftest.Splice([]ref.File{{Path: name, Src: src}}, *r.VersionAt, r.VersionLen, *r.Version+1)[0].Src
		}
	}
}
