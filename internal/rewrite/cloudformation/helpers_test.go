package cloudformation

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// summary renders a reference on one line, with every field a test checks:
// position, ARN, version and where it is written, context, consumer.
func summary(r ref.Reference) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d:%d %s %s", r.Line, r.Column, r.Format, r.ARN)
	if r.Version != nil {
		fmt.Fprintf(&b, " v=%d", *r.Version)
	} else {
		b.WriteString(" v=null")
	}
	if r.VersionAt != nil {
		fmt.Fprintf(&b, " at=%d:%d", r.VersionAt.Line, r.VersionAt.Column)
	} else {
		b.WriteString(" at=null")
	}
	fmt.Fprintf(&b, " ctx=%s", r.Context)
	if r.Function != nil {
		fmt.Fprintf(&b, " fn=%s/%s", r.Function.Runtime, strings.Join(r.Function.Architectures, ","))
	}
	return b.String()
}

func summaries(refs []ref.Reference) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = summary(r)
	}
	return out
}

// readTestdata returns the templates under testdata, by name.
func readTestdata(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	if len(out) == 0 {
		t.Fatal("no templates under testdata")
	}
	return out
}

func itoa(n int) string { return fmt.Sprint(n) }
