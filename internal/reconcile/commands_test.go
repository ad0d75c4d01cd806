package reconcile_test

import (
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/reconcile"
)

func TestParseCommand(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		body      string
		cmd       reconcile.Command
		text      string
		addressed bool
	}{
		{"@bumpbot rebase", reconcile.CmdRebase, "rebase", true},
		{"  @BumpBot   Ignore  this version\nbecause it breaks", reconcile.CmdIgnoreVersion, "ignore this version", true},
		{"@bumpbot merge", "", "merge", true},
		{"@bumpbot", "", "", true},
		{"thanks @bumpbot rebase", "", "", false},
		{"@bumpbotx rebase", "", "", false},
		{"", "", "", false},
	} {
		cmd, text, addressed := reconcile.ParseCommand("bumpbot", c.body)
		if cmd != c.cmd || text != c.text || addressed != c.addressed {
			t.Errorf("ParseCommand(%q) = %q, %q, %v; want %q, %q, %v", c.body, cmd, text, addressed, c.cmd, c.text, c.addressed)
		}
	}
}

// Forget hides a pull request's bumps from the declined check but not
// from BumpsOf, which unignore reads.
func TestBumpsOfForgotten(t *testing.T) {
	t.Parallel()
	body := "text\n<!-- bumpbot: layer=mylayer region=us-east-1 to=5 files=main.tf -->\n"
	for _, b := range []string{body, reconcile.Forget(body)} {
		got := reconcile.BumpsOf(b)
		if len(got) != 1 || got[0] != (reconcile.Bump{Layer: "mylayer", Region: "us-east-1", To: 5}) {
			t.Errorf("BumpsOf(%q) = %+v", b, got)
		}
	}
}

func TestIgnoreString(t *testing.T) {
	t.Parallel()
	on := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for ig, want := range map[reconcile.Ignore]string{
		{Layer: "l", Min: 80, Max: 81, By: "alice", On: on}: "l: ignored by @alice on 2026-12-01: versions 80–81",
		{Layer: "l", Min: 5, Max: 5, By: "alice", On: on}:   "l: ignored by @alice on 2026-12-01: version 5",
		{Layer: "l", By: "bob", On: on}:                     "l: ignored by @bob on 2026-12-01: the whole layer",
	} {
		if got := ig.String(); got != want {
			t.Errorf("%+v = %q, want %q", ig, got, want)
		}
	}
}
