package fleet_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/testtool"
)

// updateScreenshots writes the browser test's screenshots into
// docs/screenshots, the ones the README shows:
//
//	go test ./internal/fleet -run TestBrowser -update-screenshots
var updateScreenshots = flag.Bool("update-screenshots", false, "write the fleet pages' screenshots to docs/screenshots")

// A person signs in through GitHub's authorize page in a real browser
// (headless Chromium), opens each view, sorts and filters, and sees what
// they may see; another person signed in after them sees less. Each view
// is saved as a PNG (go test -artifacts keeps them).
func TestBrowser(t *testing.T) {
	chromium := testtool.Need(t, "chromium") // Debian: apt-get install -y chromium
	f := newSignInFleet(t)
	addShowcase(t, f)

	alloc, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.WindowSize(1200, 900))...)
	defer cancel()
	// A bound on a hung browser, not a speed requirement.
	ctx, cancel := context.WithTimeout(alloc, 2*time.Minute)
	defer cancel()
	ctx, cancel = chromedp.NewContext(ctx)
	defer cancel()
	b := &tab{t: t, ctx: ctx}

	// Any page of the fleet leads to GitHub's authorize page first.
	b.do(chromedp.Navigate(f.URL + "/fleet"))
	b.do(chromedp.WaitVisible(chromedp.ID("authorize")))
	if loc := b.location(); !strings.HasPrefix(loc, f.GH.URL+"/login/oauth/authorize?") {
		t.Fatalf("not at GitHub's authorize page: %s", loc)
	}
	b.do(chromedp.SetValue(chromedp.ID("login"), "bob"))
	b.load(chromedp.Click(chromedp.ID("authorize")))
	if loc := b.location(); loc != f.URL+"/fleet" {
		t.Fatalf("after authorizing: %s", loc)
	}
	if h := b.text("h1"); h != "Lambda layers across the fleet" {
		t.Errorf("h1 %q", h)
	}
	if u := b.text(".user"); !strings.Contains(u, "signed in as bob") {
		t.Errorf("user %q", u)
	}
	if s := b.text(".summary"); s != "11 pins in 7 repositories: 7 current, 3 behind, 1 on deleted versions" {
		t.Errorf("summary %q", s)
	}
	// The layers: node-utils's chart has one bar per pinned version
	// (9, 10, 11, 12, 14) and its newest per region.
	if n := eval[int](b, `document.querySelectorAll("#layers a[href='/fleet/layers/node-utils']")[0].closest("tr").querySelectorAll("svg rect").length`); n != 5 {
		t.Errorf("node-utils chart has %d bars, want 5", n)
	}
	if r := eval[string](b, `document.querySelectorAll("#layers a[href='/fleet/layers/node-utils']")[0].closest("tr").children[3].innerText`); !strings.Contains(r, "eu-west-1: 11") || !strings.Contains(r, "us-east-1: 14") {
		t.Errorf("newest per region %q", r)
	}
	b.screenshot("fleet-layers.png")

	// Sorting by "pinned", up then down.
	pinned := func() []int {
		var out []int
		for _, s := range eval[[]string](b, `Array.from(document.querySelectorAll("#pins tbody tr")).filter(r => !r.hidden).map(r => r.children[4].innerText)`) {
			n, _ := strconv.Atoi(s)
			out = append(out, n)
		}
		return out
	}
	b.do(chromedp.Click(chromedp.CSS("#pins th:nth-child(5)")))
	if got := pinned(); !slices.IsSorted(got) || len(got) != 11 {
		t.Errorf("sorted up: %v", got)
	}
	b.do(chromedp.Click(chromedp.CSS("#pins th:nth-child(5)")))
	if got := pinned(); !slices.IsSortedFunc(got, func(a, b int) int { return b - a }) {
		t.Errorf("sorted down: %v", got)
	}
	// Finding text in the table hides the other rows.
	b.do(chromedp.SendKeys(chromedp.CSS("input[data-filter]"), "charlie"))
	if got := b.rows("#pins"); len(got) != 2 || !strings.Contains(got[0], "acme/charlie") || !strings.Contains(got[1], "acme/charlie") {
		t.Errorf("found %q", got)
	}
	// The filter form is a plain GET: its URL is the view's.
	b.do(chromedp.SetValue(chromedp.CSS("select[name=status]"), "behind"))
	b.do(chromedp.SetValue(chromedp.CSS("select[name=org]"), "acme"))
	b.load(chromedp.Click(chromedp.CSS("form.filters button")))
	if loc := b.location(); loc != f.URL+"/fleet?org=acme&status=behind&layer=" {
		t.Errorf("filtered at %s", loc)
	}
	for _, r := range b.rows("#pins") {
		if !strings.HasPrefix(r, "behind\tacme/") {
			t.Errorf("row %q after filtering on org acme, status behind", r)
		}
	}

	// One layer: every repository and file:line pinning it.
	b.do(chromedp.Navigate(f.URL + "/fleet"))
	b.load(chromedp.Click(chromedp.CSS(`#layers a[href="/fleet/layers/node-utils"]`)))
	if h := b.text("h1"); h != "Layer node-utils" {
		t.Errorf("layer page h1 %q", h)
	}
	var where []string
	for _, r := range b.rows("#pins") {
		where = append(where, strings.Split(r, "\t")[2])
	}
	// The bot's pull requests, with their age, beside the pins they move.
	pulls := map[string]string{}
	for _, r := range b.rows("#pins") {
		cells := strings.Split(r, "\t")
		pulls[cells[1]] = cells[7]
	}
	if pulls["acme/alpha"] != "#1, open 3 days" || pulls["acme/charlie"] != "#1, open 5 days" || pulls["acme/bravo"] != "" {
		t.Errorf("pull requests %q", pulls)
	}
	slices.Sort(where)
	if got := strings.Join(where, " "); got != "infra/main.tf:12 lambda.tf:8 main.tf:3 main.tf:5 serverless.yml:21 src/stack.ts:40 x.tf:1" {
		t.Errorf("node-utils pinned at %s", got)
	}
	b.screenshot("fleet-layer.png")

	// One repository, with the problems of its last reconcile.
	b.load(chromedp.Click(chromedp.CSS(`#pins a[href="/fleet/repos/acme/charlie"]`)))
	if h := b.text("h1"); h != "acme/charlie" {
		t.Errorf("repository page h1 %q", h)
	}
	if p := b.text("#problems"); !strings.Contains(p, "version 3 of pandas was deleted") {
		t.Errorf("problems %q", p)
	}
	if p := b.rows("#pulls"); len(p) != 1 || !strings.HasPrefix(p[0], "#1 Bump node-utils layer from 12 to 14\tbumpbot/node-utils\t5 days") {
		t.Errorf("open pull requests %q", p)
	}
	if ig := b.rows("#ignores"); strings.Join(ig, "|") != "legacy-*\tevery version\t.github/bumpbot.yml|node-utils\t13\tcommand by @dana on 2026-11-30" {
		t.Errorf("ignores %q", ig)
	}
	b.screenshot("fleet-repository.png")

	// Signing out, then in as alice: only acme/alpha.
	b.load(chromedp.Click(chromedp.CSS(`.user a[href="/fleet/logout"]`)))
	if p := b.text("body"); !strings.Contains(p, "You are signed out") {
		t.Errorf("after sign-out: %q", p)
	}
	b.do(chromedp.Navigate(f.URL + "/fleet"))
	b.do(chromedp.WaitVisible(chromedp.ID("authorize")))
	b.do(chromedp.SetValue(chromedp.ID("login"), "alice"))
	b.load(chromedp.Click(chromedp.ID("authorize")))
	body := b.text("body")
	if !strings.Contains(body, "signed in as alice") || !strings.Contains(body, "acme/alpha") {
		t.Errorf("alice's page:\n%s", body)
	}
	for _, h := range []string{"bravo", "charlie", "widgets"} {
		if strings.Contains(body, h) {
			t.Errorf("alice sees %q:\n%s", h, body)
		}
	}
}

// addShowcase adds acme/charlie (a deleted pin, a CDK pin, ignores), acme/delta
// and acme/echo, which bob can access, so the pages show every status.
func addShowcase(t *testing.T, f signInFleet) {
	ctx := context.Background()
	for _, n := range []string{"acme/charlie", "acme/delta", "acme/echo", "acme/foxtrot"} {
		f.GH.CreateRepo(t, n, "main", map[string]string{"README.md": "x"})
		f.GH.AddInstallation(1, n)
		f.GH.AddUser("bob", n)
	}
	must(t, f.Store.ReplacePins(ctx, 1, "acme/charlie", []ref.Reference{pin("src/stack.ts", 40, "us-east-1", "node-utils", 12), pin("template.yaml", 9, "us-east-1", "pandas", 3)}))
	must(t, f.Store.ReplacePins(ctx, 1, "acme/delta", []ref.Reference{pin("main.tf", 5, "eu-west-1", "node-utils", 11)}))
	must(t, f.Store.ReplacePins(ctx, 1, "acme/echo", []ref.Reference{pin("serverless.yml", 21, "us-east-1", "node-utils", 14)}))
	must(t, f.Store.ReplacePins(ctx, 1, "acme/foxtrot", []ref.Reference{pin("lambda.tf", 8, "us-east-1", "node-utils", 14), pin("lambda.tf", 9, "us-east-1", "pandas", 2)}))
	f.GH.Push(t, "acme/charlie", "bumpbot/node-utils", map[string]string{"src/stack.ts": "v14"}, "bump")
	f.GH.OpenPull(t, "acme/charlie", "bumpbot/node-utils", "Bump node-utils layer from 12 to 14", "", time.Now().Add(-5*24*time.Hour))
	must(t, f.Store.SaveConfig(ctx, 1, "acme/charlie", config.Repo{Ignore: []config.Ignore{{Layer: "legacy-*"}}}))
	must(t, f.Store.AddIgnore(ctx, 1, "acme/charlie", repostate.CommandIgnore{Layer: "node-utils", Min: 13, Max: 13, Author: "dana",
		Created: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}))
	must(t, f.Store.ReplaceProblems(ctx, 1, "acme/charlie", nil,
		[]problem.Problem{problem.Newf(problem.DeletedPin, "template.yaml", 9, 14, "version 3 of pandas was deleted: new deployments fail")}, time.Now()))
}

// tab drives one browser tab and fails the test on any error.
type tab struct {
	t   *testing.T
	ctx context.Context
}

func (b *tab) do(a chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, a); err != nil {
		b.t.Fatal(err)
	}
}

// load runs a that navigates, and waits for the new page to load.
func (b *tab) load(a chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, a)); err != nil {
		b.t.Fatal(err)
	}
}

func (b *tab) location() string {
	b.t.Helper()
	return eval[string](b, "location.href")
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimSpace(s)
}

// rows returns the visible rows of a table, cells joined by tabs.
func (b *tab) rows(table string) []string {
	b.t.Helper()
	return eval[[]string](b, `Array.from(document.querySelectorAll("`+table+` tbody tr")).filter(r => !r.hidden).map(r => Array.from(r.children).map(c => c.innerText.trim()).join("\t"))`)
}

func eval[T any](b *tab, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// screenshot saves the whole page as a PNG among the test's artefacts
// and, with -update-screenshots, in docs/screenshots.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	dirs := []string{b.t.ArtifactDir()}
	if *updateScreenshots {
		dirs = append(dirs, filepath.Join("..", "..", "docs", "screenshots"))
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, name), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
}
