package cloudformation

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref/reftest"
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

// scanAs scans each file as a template of the given format ("" detects it).
func scanAs(format ref.Format) reftest.ScanFunc {
	return reftest.EachFile(func(f ref.File) ([]ref.Reference, []problem.Problem) { return Scan(f, format) })
}

// templates reads the templates under testdata.
func templates(t testing.TB) []ref.File {
	t.Helper()
	return reftest.ReadFiles(t, filepath.Join("testdata", "*.*"))
}
