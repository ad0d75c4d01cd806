package policycheck

import (
	"bytes"
	"flag"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/rewrite"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/testtool"
)

var update = flag.Bool("update", false, "rewrite golden files")

const testPolicy = `version: 1
rules:
  - {layer: mylayer, deny: [4], reason: "4 leaks", link: "https://example.com/adv/4", deadline: 2026-06-30}
  - {layer: other, minimum: 10, deadline: 2026-06-30}
enforcement: {check: %s}
`

const tf = `locals {
  a = "arn:aws:lambda:us-east-1:123456789012:layer:mylayer:4"
  b = "arn:aws:lambda:us-east-1:123456789012:layer:mylayer:5"
  c = "arn:aws:lambda:us-east-1:123456789012:layer:other:9"
}
`

// Each enforcement mode on the same tree and change (line 2 edited,
// the rest untouched), before and after the deadline of "other": the
// conclusion and the summary the check run shows.
func TestConclude(t *testing.T) {
	t.Parallel()
	refs, probs := rewrite.ScanFiles([]ref.File{{Path: "main.tf", Src: []byte(tf)}})
	if len(probs) > 0 || len(refs) != 3 {
		t.Fatalf("refs %v problems %v", refs, probs)
	}
	before, after := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, mode string
		changed    Changed
		now        time.Time
		want       string
	}{
		{"changed_lines_failure", ChangedLines, Changed{"main.tf": {2: true}}, after, Failure},
		{"changed_lines_success", ChangedLines, Changed{"main.tf": {3: true}}, after, Success},
		{"deadline_passed", EverythingAfterDeadline, Changed{"main.tf": {3: true}}, after, Failure},
		{"deadline_ahead", EverythingAfterDeadline, Changed{"main.tf": {3: true}}, before, Success},
		{"off", Off, Changed{"main.tf": {2: true}}, after, Success},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			pol, err := policy.Parse("p.yml", fmt.Appendf(nil, testPolicy, c.mode))
			if err != nil {
				t.Fatal(err)
			}
			fs, pins := Evaluate(pol, refs, c.changed, c.now)
			o := Conclude(pol, fs, pins)
			if o.Conclusion != c.want {
				t.Errorf("conclusion %s, want %s", o.Conclusion, c.want)
			}
			var b bytes.Buffer
			fmt.Fprintf(&b, "%s\n%s\n%s", o.Conclusion, o.Title, o.Summary)
			for _, a := range o.Annotations {
				fmt.Fprintf(&b, "annotation %s:%d %s: %s: %s\n", a.Path, a.Line, a.Level, a.Title, a.Text)
			}
			golden(t, "summary_"+c.name+".golden", b.Bytes())
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testtool.Golden(t, filepath.Join("testdata", name), got, *update)
}
