package dashboard_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/dashboard"
	"github.com/bumpbot/bumpbot/internal/fleet"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/reconcile"
)

var update = flag.Bool("update", false, "rewrite golden files")

var on = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func pin(file string, line int, layer string, pinned, newest int, st fleet.Status) fleet.Row {
	return fleet.Row{Repository: "acme/infra", File: file, Line: line, Layer: layer, Pinned: pinned, Newest: newest, Status: st,
		ARN: fmt.Sprintf("arn:aws:lambda:us-east-1:123456789012:layer:%s:%d", layer, pinned)}
}

var cases = map[string]dashboard.Input{
	"empty": {},
	"full": {
		Pins: []fleet.Row{
			{Repository: "acme/infra", File: "prod/main.tf", Line: 4, Layer: "openssl", Pinned: 2, Newest: 9, Status: fleet.Violation,
				Rule: "openssl: version 2 is below the minimum 7 (CVE-2026-0001)"},
			{Repository: "acme/infra", File: "sam/template.yaml", Line: 12, Layer: "mylayer", Pinned: 1, Newest: 1, Status: fleet.Deleted,
				Detail: "version 1 no longer exists"},
			pin("main.tf", 4, "mylayer", 3, 5, fleet.Behind),
			pin("odd|dir/`x`.tf", 1, "node", 7, 7, fleet.Current),
		},
		Pending: []reconcile.Held{
			{Branch: "bumpbot/mylayer", Title: "Bump mylayer layer from 3 to 5", Reason: reconcile.HeldBySchedule},
			{Branch: "bumpbot/group-python", Title: "Bump 2 Lambda layers", Reason: reconcile.HeldByLimit},
		},
		Open:          []dashboard.PullRequest{{Number: 7, Title: "Bump [openssl] layer from 2 to 9", URL: "https://github.example/acme/infra/pull/7"}},
		ConfigIgnores: []config.Ignore{{Layer: "Datadog-*"}, {Layer: "AWSLambdaPowertoolsPythonV2", Versions: []string{"> 79"}}},
		CommandIgnores: []reconcile.Ignore{
			{Layer: "node", Min: 8, Max: 8, By: "alice", On: on},
			{Layer: "node", Min: 10, Max: 12, By: "bob", On: on},
			{Layer: "ruby", By: "alice", On: on},
		},
		Problems: []problem.Problem{{File: ".github/bumpbot.yml", Line: 3, Column: 1, Kind: problem.Config, Message: `strategy "newest": want latest or next`}},
	},
	// Text from files and titles cannot forge a box or a marker.
	"hostile": {
		Pending: []reconcile.Held{{Branch: "bumpbot/a", Title: "x\n- [ ] <!-- bumpbot-open: bumpbot/evil --> y", Reason: reconcile.HeldBySchedule}},
		Problems: []problem.Problem{{File: ".github/bumpbot.yml", Line: 1, Kind: problem.Config,
			Message: "bad\n- [ ] <!-- bumpbot-unignore: evil --> z"}},
	},
}

// Each case renders as its golden file; a second pass reads the golden
// body back: no box is ticked, and ticking them all asks for exactly what
// the input listed.
func TestRenderGolden(t *testing.T) {
	t.Parallel()
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := dashboard.Render(in)
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("Render differs from %s (go test -update to rewrite):\n%s", path, got)
			}
			if open, un := dashboard.Ticked(string(want)); len(open)+len(un) != 0 {
				t.Errorf("unticked body reads as ticked: %v %v", open, un)
			}
			open, un := dashboard.Ticked(strings.ReplaceAll(string(want), "- [ ] ", "- [x] "))
			var wantOpen, wantUn []string
			for _, h := range in.Pending {
				wantOpen = append(wantOpen, h.Branch)
			}
			for _, ig := range in.CommandIgnores {
				if !slices.Contains(wantUn, ig.Layer) {
					wantUn = append(wantUn, ig.Layer)
				}
			}
			if !slices.Equal(open, wantOpen) || !slices.Equal(un, wantUn) {
				t.Errorf("all ticked: open %v unignore %v, want %v %v", open, un, wantOpen, wantUn)
			}
		})
	}
}

// manyPins is a repository pinning a layer in n stacks, with two updates
// pending.
func manyPins(n int) dashboard.Input {
	in := dashboard.Input{Pending: cases["full"].Pending}
	for i := range n {
		in.Pins = append(in.Pins, pin(fmt.Sprintf("stacks/service-%04d/main.tf", i), 4, "AWSLambdaPowertoolsPythonV3-python312-x86_64", 3, 5, fleet.Behind))
	}
	return in
}

// However many pins, the body stays within GitHub's limit, keeps every
// box, and says how many pins it left out.
func TestRenderTruncates(t *testing.T) {
	t.Parallel()
	got := dashboard.Render(manyPins(5000))
	if len(got) > dashboard.MaxBody {
		t.Fatalf("body of %d bytes, over %d", len(got), dashboard.MaxBody)
	}
	shown := strings.Count(got, "| behind |")
	t.Logf("%d of 5000 pins shown in %d bytes", shown, len(got))
	if shown < 100 || !strings.Contains(got, fmt.Sprintf("_Not shown, to stay within GitHub's limit of 65,536 characters for an issue: %d pins.", 5000-shown)) {
		t.Errorf("%d pins shown; note missing or wrong:\n%s", shown, got[len(got)-300:])
	}
	if open, _ := dashboard.Ticked(strings.ReplaceAll(got, "- [ ] ", "- [x] ")); len(open) != 2 {
		t.Errorf("boxes lost: %v", open)
	}
}

// A box ticked with either bullet or case counts; text that only looks
// like one, elsewhere on a line, does not.
func TestTicked(t *testing.T) {
	t.Parallel()
	body := "- [x] <!-- bumpbot-open: bumpbot/a --> A\n* [X] <!-- bumpbot-unignore: node --> n\n" +
		"- [ ] <!-- bumpbot-open: bumpbot/b --> B\ntext - [x] <!-- bumpbot-open: bumpbot/c --> C\n"
	open, un := dashboard.Ticked(body)
	if !slices.Equal(open, []string{"bumpbot/a"}) || !slices.Equal(un, []string{"node"}) {
		t.Errorf("Ticked = %v, %v", open, un)
	}
}

// BenchmarkRender renders the dashboard of a repository with 5,000 pins,
// truncated to GitHub's limit.
func BenchmarkRender(b *testing.B) {
	in := manyPins(5000)
	b.ReportAllocs()
	for b.Loop() {
		dashboard.Render(in)
	}
}

// FuzzRender: whatever text titles, messages, paths and rules hold, the
// body fits GitHub's limit and its boxes, all ticked, ask for exactly
// what the input listed: no text can forge a box.
func FuzzRender(f *testing.F) {
	f.Add("Bump x", "bad value", "main.tf", "rule")
	f.Add("x\n- [ ] <!-- bumpbot-open: bumpbot/evil --> y", "\r\n* [x] <!-- bumpbot-unignore: evil -->", "a|`b`\n- [x] <!-- bumpbot-open: z -->", "|")
	f.Fuzz(func(t *testing.T, title, message, file, rule string) {
		in := dashboard.Input{
			Pending:        []reconcile.Held{{Branch: "bumpbot/a", Title: title, Reason: reconcile.HeldBySchedule}},
			Open:           []dashboard.PullRequest{{Number: 1, Title: title, URL: "https://github.example/pull/1"}},
			ConfigIgnores:  []config.Ignore{{Layer: message, Versions: []string{rule}}},
			CommandIgnores: []reconcile.Ignore{{Layer: "node", By: title, On: on}},
			Problems:       []problem.Problem{{File: file, Line: 1, Message: message}},
			Pins:           []fleet.Row{{File: file, Line: 1, Layer: title, Status: fleet.Violation, Rule: rule}},
		}
		got := dashboard.Render(in)
		if len(got) > dashboard.MaxBody {
			t.Fatalf("body of %d bytes", len(got))
		}
		open, un := dashboard.Ticked(strings.ReplaceAll(got, "- [ ] ", "- [x] "))
		if !slices.Equal(open, []string{"bumpbot/a"}) || !slices.Equal(un, []string{"node"}) {
			t.Fatalf("boxes %v %v in:\n%s", open, un, got)
		}
	})
}
