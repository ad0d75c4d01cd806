// Package dashboard renders a repository's dashboard issue ("Lambda
// layers dashboard", with `dashboard: true` in .github/bumpbot.yml) and
// reads the boxes a maintainer ticked in it. Like Renovate's Dependency
// Dashboard: one issue, rewritten after every reconcile, whose checkboxes
// carry hidden markers naming what they act on.
package dashboard

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/fleet"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/reconcile"
)

// Title is the dashboard issue's title.
const Title = "Lambda layers dashboard"

// MaxBody is the most the rendered body may hold: GitHub refuses an issue
// body over 65,536 characters, and the bot appends its hidden issue marker
// (under 100 bytes) to what Render returns. Bytes are counted, which is
// never fewer than GitHub's characters.
const MaxBody = 65536 - 100

// PullRequest is one of the bot's open pull requests.
type PullRequest struct {
	Number int
	Title  string
	URL    string
}

// Input is what one reconcile of a repository found, for its dashboard.
type Input struct {
	// Pins are the repository's pins with their status (fleet.FromReport,
	// with the org's policy when it has one).
	Pins []fleet.Row
	// Pending are the updates held by the schedule or the open pull
	// request limit: each gets a box to open it now.
	Pending []reconcile.Held
	// Open are the bot's open pull requests.
	Open []PullRequest
	// ConfigIgnores are the configuration's ignore rules (changed by
	// editing the file); CommandIgnores those comment commands made (a box
	// each layer, to unignore).
	ConfigIgnores  []config.Ignore
	CommandIgnores []reconcile.Ignore
	// Problems are the configuration file's errors.
	Problems []problem.Problem
}

// The hidden markers of the boxes: what ticking one asks for.
const (
	openMarker     = "<!-- bumpbot-open: "
	unignoreMarker = "<!-- bumpbot-unignore: "
)

// Render returns the dashboard's body, at most MaxBody bytes: sections
// are written in order of what a maintainer acts on (pending updates,
// open pull requests, ignores, configuration errors, pins), and once the
// budget is spent the lines left are counted in a closing note instead.
func Render(in Input) string {
	w := &writer{limit: MaxBody - noteRoom}
	w.text("This issue lists the Lambda layers this repository pins and what bumpbot is doing about them. " +
		"It is rewritten after every run. Tick a box to act on it: ticks count only from people with write access to the repository, and anyone else's edit is undone.\n")

	w.section("Pending updates", "These updates wait for the schedule or the open pull request limit. Tick a box to open its pull request now.", len(in.Pending) == 0, "No update is waiting.")
	for _, h := range in.Pending {
		why := "waiting for the schedule"
		if h.Reason == reconcile.HeldByLimit {
			why = "held by `open-pull-requests-limit`"
		}
		w.line(fmt.Sprintf("- [ ] %s%s --> %s (%s)", openMarker, h.Branch, text(h.Title), why), "pending updates")
	}

	w.section("Open pull requests", "", len(in.Open) == 0, "None.")
	for _, p := range in.Open {
		w.line(fmt.Sprintf("- #%d [%s](%s)", p.Number, link(p.Title), p.URL), "open pull requests")
	}

	w.section("Ignored", "", len(in.CommandIgnores)+len(in.ConfigIgnores) == 0, "Nothing is ignored.")
	for _, layer := range commandLayers(in.CommandIgnores) {
		var what []string
		for _, ig := range in.CommandIgnores {
			if ig.Layer == layer {
				what = append(what, text(ig.String()))
			}
		}
		w.line(fmt.Sprintf("- [ ] %s%s --> unignore: %s", unignoreMarker, layer, strings.Join(what, "; ")), "ignores")
	}
	for _, ig := range in.ConfigIgnores {
		versions := "every version"
		if len(ig.Versions) > 0 {
			versions = "versions " + text(strings.Join(ig.Versions, ", "))
		}
		w.line(fmt.Sprintf("- %s: %s, by `%s` (edit the file to change it)", code(ig.Layer), versions, config.RepoPath), "ignores")
	}

	if len(in.Problems) > 0 {
		w.section("Configuration errors", fmt.Sprintf("bumpbot follows the last valid configuration until `%s` is fixed:", config.RepoPath), false, "")
		for _, p := range in.Problems {
			w.line(fmt.Sprintf("- %s: %s", code(p.Location()), text(p.Message)), "configuration errors")
		}
	}

	w.section("Pins", "", len(in.Pins) == 0, "No Lambda layer pin was found.")
	if len(in.Pins) > 0 {
		w.line("| status | layer | pinned | newest | where | why |", "")
		w.line("|---|---|---|---|---|---|", "")
	}
	for _, r := range in.Pins {
		if w.full {
			w.add("", "pins") // counted, not formatted: a large repository has thousands
			continue
		}
		why := r.Rule
		if why == "" {
			why = r.Detail
		}
		w.line(fmt.Sprintf("| %s | %s | %d | %d | %s | %s |", r.Status, cell(code(r.Layer)), r.Pinned, r.Newest,
			cell(code(fmt.Sprintf("%s:%d", r.File, r.Line))), cell(text(why))), "pins")
	}
	return w.finish()
}

// commandLayers are the layers command-made ignores name, in first-seen
// order: unignore drops all of a layer's at once.
func commandLayers(igs []reconcile.Ignore) []string {
	var out []string
	for _, ig := range igs {
		if !slices.Contains(out, ig.Layer) {
			out = append(out, ig.Layer)
		}
	}
	return out
}

var (
	openTicked     = regexp.MustCompile(`(?m)^\s*[-*] \[[xX]\] ` + regexp.QuoteMeta(openMarker) + `(\S+) -->`)
	unignoreTicked = regexp.MustCompile(`(?m)^\s*[-*] \[[xX]\] ` + regexp.QuoteMeta(unignoreMarker) + `(\S+) -->`)
)

// Ticked returns what the ticked boxes of a dashboard body ask for: the
// branches to open now and the layers to unignore. The bot never writes
// a ticked box, so every one is a person's.
func Ticked(body string) (open, unignore []string) {
	for _, m := range openTicked.FindAllStringSubmatch(body, -1) {
		open = append(open, m[1])
	}
	for _, m := range unignoreTicked.FindAllStringSubmatch(body, -1) {
		unignore = append(unignore, m[1])
	}
	return open, unignore
}

// Kind is the dashboard's kind among the issues the bot keeps: its
// hidden marker in the body (ghapp's KeepIssue writes it) is how the
// issue is known again.
const Kind = "dashboard"

// Is reports whether an issue body carries the dashboard's marker.
func Is(body string) bool { return strings.Contains(body, "<!-- bumpbot-issue: "+Kind+" -->") }
