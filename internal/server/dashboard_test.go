package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/server"
)

// dashboardConfig asks for the dashboard, on a schedule that is never due
// (February 31st), so every update waits for a box to be ticked.
const dashboardConfig = "version: 1\ndashboard: true\nschedule: {interval: \"cron: 0 0 31 2 *\"}\n"

// dashEnv is a served repository with dashboardConfig, alice a writer and
// mallory a reader, reconciled once; seed, when set, runs on the server
// before.
func dashEnv(t *testing.T, seed func(*server.Server)) *cmdEnv {
	t.Helper()
	e := &cmdEnv{env: newEnv(t)}
	e.gh.Push(t, repoN, "main", map[string]string{".github/bumpbot.yml": dashboardConfig}, "dashboard")
	e.gh.SetPermission(repoN, "alice", "write")
	e.gh.SetPermission(repoN, "mallory", "read")
	run := e.start(t, 5*time.Second)
	e.url = run.url
	if seed != nil {
		seed(run.srv)
	}
	if status, body := deliver(t, e.url, "installation", "del-install", installationCreated); status != 202 {
		t.Fatalf("installation webhook: %d %s", status, body)
	}
	e.waitReconciles(t, 1)
	return e
}

// theDashboard returns the repository's one dashboard issue; more than one
// fails the test.
func theDashboard(t *testing.T, gh *ghapptest.Server) ghapptest.Issue {
	t.Helper()
	var out []ghapptest.Issue
	for _, is := range gh.Issues(repoN) {
		if is.Title == "Lambda layers dashboard" {
			out = append(out, is)
		}
	}
	if len(out) != 1 {
		t.Fatalf("%d dashboard issues, want one: %+v", len(out), out)
	}
	return out[0]
}

// editDashboard plays user editing the dashboard's body in the web page:
// the issue changes, and GitHub delivers issues edited.
func (e *cmdEnv) editDashboard(t *testing.T, user, kind, body string) {
	t.Helper()
	is := theDashboard(t, e.gh)
	e.gh.EditIssue(repoN, is.Number, body, "")
	n := e.nextID.Add(1)
	payload := map[string]any{
		"action":       "edited",
		"changes":      map[string]any{"body": map[string]any{"from": is.Body}},
		"installation": map[string]any{"id": inst},
		"repository":   map[string]any{"id": 1, "name": "infra", "full_name": repoN, "default_branch": "main"},
		"issue":        map[string]any{"number": is.Number, "body": body, "updated_at": time.Date(2026, 12, 3, 10, int(n), 0, 0, time.UTC)},
		"sender":       map[string]any{"login": user, "type": kind},
	}
	want := "queued"
	if kind == "Bot" {
		want = "ignored"
	}
	if status, resp := deliver(t, e.url, "issues", fmt.Sprintf("del-edit-%d", n), payload); status != 202 || !strings.Contains(resp, want) {
		t.Fatalf("issues webhook: %d %s, want 202 %s", status, resp, want)
	}
}

const openBox = "- [ ] <!-- bumpbot-open: bumpbot/mylayer -->"

// The round trip: the held update is listed with a box; a reader's tick
// is undone with no pull request; a writer's tick opens the pull request
// at once, outside the schedule, and the dashboard then lists it with the
// box gone; the bot's own rewrite is no work; a closed dashboard is
// reopened, never duplicated.
func TestDashboardRoundTrip(t *testing.T) {
	t.Parallel()
	e := dashEnv(t, nil)
	waitFor(t, "the dashboard", func() bool { return len(e.gh.Issues(repoN)) == 1 })
	first := theDashboard(t, e.gh)
	for _, want := range []string{openBox + " Bump mylayer layer from 3 to 5 (waiting for the schedule)",
		"| behind | `mylayer` | 3 | 5 | `main.tf:4` |", "## Open pull requests\n\nNone."} {
		if !strings.Contains(first.Body, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, first.Body)
		}
	}
	if len(e.gh.Pulls(repoN)) != 0 {
		t.Fatalf("a pull request outside the schedule: %+v", e.gh.Pulls(repoN))
	}
	ticked := strings.Replace(first.Body, "- [ ] <!-- bumpbot-open:", "- [x] <!-- bumpbot-open:", 1)

	// A reader ticks the box: undone, nothing opened.
	e.editDashboard(t, "mallory", "User", ticked)
	e.waitReconciles(t, 2)
	if got := theDashboard(t, e.gh); got.Body != first.Body {
		t.Errorf("a reader's edit was not undone:\n%s", got.Body)
	}
	if len(e.gh.Pulls(repoN)) != 0 {
		t.Fatalf("a reader's tick opened %+v", e.gh.Pulls(repoN))
	}

	// A writer ticks it: the pull request opens now.
	e.editDashboard(t, "alice", "User", ticked)
	waitFor(t, "the pull request", func() bool { return len(e.gh.Pulls(repoN)) == 1 })
	e.waitReconciles(t, 3)
	pr := e.gh.Pulls(repoN)[0]
	if pr.Head != "bumpbot/mylayer" {
		t.Errorf("pull request %+v, want bumpbot/mylayer", pr)
	}
	after := theDashboard(t, e.gh)
	if strings.Contains(after.Body, "bumpbot-open:") || strings.Contains(after.Body, "[x]") ||
		!strings.Contains(after.Body, fmt.Sprintf("- #%d [Bump mylayer layer from 3 to 5](https://github.example/%s/pull/%d)", pr.Number, repoN, pr.Number)) ||
		!strings.Contains(after.Body, "No update is waiting.") {
		t.Errorf("dashboard after the tick:\n%s", after.Body)
	}

	// The bot's own rewrite comes back as a webhook: acknowledged, no work.
	e.editDashboard(t, "bumpbot[bot]", "Bot", after.Body)

	// A person closes the dashboard: the next reconcile reopens it.
	e.gh.EditIssue(repoN, after.Number, "", "closed")
	if status, body := deliver(t, e.url, "push", "del-push", pushMainTF(e.gh)); status != 202 {
		t.Fatalf("push webhook: %d %s", status, body)
	}
	e.waitReconciles(t, 4)
	if got := theDashboard(t, e.gh); got.Number != first.Number || got.State != "open" {
		t.Errorf("dashboard %+v, want #%d open again", got, first.Number)
	}
	if n := strings.Count(e.logs.String(), `"msg":"reconciled"`); n != 4 {
		t.Errorf("%d reconciles, want 4 (the bot's edit is no work)", n)
	}
}

// dashboard: false closes the dashboard with a comment.
func TestDashboardTurnedOff(t *testing.T) {
	t.Parallel()
	e := dashEnv(t, nil)
	waitFor(t, "the dashboard", func() bool { return len(e.gh.Issues(repoN)) == 1 })
	e.gh.Push(t, repoN, "main", map[string]string{".github/bumpbot.yml": "version: 1\ndashboard: false\n"}, "no dashboard")
	if status, body := deliver(t, e.url, "push", "del-push-off", pushMainTF(e.gh)); status != 202 {
		t.Fatalf("push webhook: %d %s", status, body)
	}
	e.waitReconciles(t, 2)
	if is := theDashboard(t, e.gh); is.State != "closed" || len(e.gh.Comments(repoN, is.Number)) != 1 {
		t.Errorf("dashboard %+v with comments %+v, want closed with one", is, e.gh.Comments(repoN, is.Number))
	}
}

// An ignore made by a comment command is listed with a box; a writer's
// tick removes it, and the layer's update is pending again.
func TestDashboardUnignore(t *testing.T) {
	t.Parallel()
	e := dashEnv(t, func(s *server.Server) {
		ig := repostate.CommandIgnore{Layer: "mylayer", Author: "alice", Created: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
		if err := s.State().AddIgnore(context.Background(), inst, repoN, ig); err != nil {
			t.Fatal(err)
		}
	})
	waitFor(t, "the dashboard", func() bool { return len(e.gh.Issues(repoN)) == 1 })
	first := theDashboard(t, e.gh)
	const box = "- [ ] <!-- bumpbot-unignore: mylayer --> unignore: mylayer: ignored by @alice on 2026-12-01: the whole layer"
	if !strings.Contains(first.Body, box) || strings.Contains(first.Body, openBox) {
		t.Fatalf("dashboard with the layer ignored:\n%s", first.Body)
	}
	e.editDashboard(t, "alice", "User", strings.Replace(first.Body, "- [ ] <!-- bumpbot-unignore:", "- [x] <!-- bumpbot-unignore:", 1))
	e.waitReconciles(t, 2)
	if got := theDashboard(t, e.gh); strings.Contains(got.Body, "bumpbot-unignore:") || !strings.Contains(got.Body, openBox) {
		t.Errorf("dashboard after unignore:\n%s", got.Body)
	}
}

// A reconcile that changes nothing leaves the dashboard alone: no write,
// one read of the issue (a conditional request, like the listing of the
// pull requests it adds).
func TestDashboardUnchangedWritesNothing(t *testing.T) {
	t.Parallel()
	e := dashEnv(t, nil)
	waitFor(t, "the dashboard", func() bool { return len(e.gh.Issues(repoN)) == 1 })
	before := theDashboard(t, e.gh)
	e.gh.ResetCounts()
	if status, body := deliver(t, e.url, "push", "del-push-same", pushMainTF(e.gh)); status != 202 {
		t.Fatalf("push webhook: %d %s", status, body)
	}
	e.waitReconciles(t, 2)
	c := e.gh.Counts()
	t.Logf("second reconcile: %d requests, %d rate-limited, %d writes; by route %v", c.Total, c.RateLimited, c.Writes, c.ByRoute)
	if c.Writes != 0 || c.ByRoute["GET /repos/{owner}/{repo}/issues/{number}"] != 1 {
		t.Errorf("requests %+v, want the issue read once and no write", c)
	}
	if got := theDashboard(t, e.gh); got.Body != before.Body {
		t.Errorf("dashboard changed:\n%s", got.Body)
	}
}
