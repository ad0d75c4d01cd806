package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
	"github.com/bumpbot/bumpbot/internal/repostate"
)

// The App follows .github/bumpbot.yml: labels replace the defaults, the
// commit prefix shapes the title, an ignored layer gets no pull request.
// A broken file is reported (located, kind config) and the last valid
// configuration stays in force until it is fixed.
func TestAppFollowsRepoConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	regRoot := t.TempDir()
	reconciletest.Publish(t, regRoot, "us-east-1", account, "mylayer", 3, 4, 5)
	reconciletest.Publish(t, regRoot, "us-east-1", account, "other", 1, 2)
	e.reg = openDirRegistry(t, regRoot)
	two := strings.Replace(mainTF, `:mylayer:3"]`, `:mylayer:3", "arn:aws:lambda:us-east-1:123456789012:layer:other:1"]`, 1)
	cfg := "version: 1\nlabels: [deps]\ncommit-message: {prefix: \"chore(deps)\"}\nignore:\n  - {layer: other}\nreviewers: [octocat]\nteam-reviewers: [platform]\nassignees: [hubot]\n"
	e.gh.CreateRepo(t, "acme/cfg", "main", map[string]string{"main.tf": two, ".github/bumpbot.yml": cfg})
	e.gh.AddInstallation(inst+2, "acme/cfg")
	srv := e.start(t, 5*time.Second)
	install(t, srv.url, "del-c1", inst+2, "acme/cfg")
	waitFor(t, "the pull request", func() bool { return len(e.gh.Pulls("acme/cfg")) == 1 })
	waitFor(t, "labels", func() bool { return len(e.gh.Pulls("acme/cfg")[0].Labels) == 1 })
	pr := e.gh.Pulls("acme/cfg")[0]
	if pr.Title != "chore(deps): bump mylayer layer from 3 to 5" || pr.Labels[0] != "deps" {
		t.Errorf("PR %q labels %v", pr.Title, pr.Labels)
	}
	waitFor(t, "assignees", func() bool { return len(e.gh.Pulls("acme/cfg")[0].Assignees) == 1 })
	if pr := e.gh.Pulls("acme/cfg")[0]; strings.Join(pr.Reviewers, ",") != "octocat" || strings.Join(pr.TeamReviewers, ",") != "platform" || pr.Assignees[0] != "hubot" {
		t.Errorf("reviewers %v team %v assignees %v", pr.Reviewers, pr.TeamReviewers, pr.Assignees)
	}
	if !strings.Contains(pr.Body, "/acme/cfg/blob/") {
		t.Errorf("the body does not link the pinned line:\n%s", pr.Body)
	}
	waitFor(t, "the reconcile", func() bool { return strings.Contains(e.logs.String(), `"repo":"acme/cfg","candidates"`) })

	// Broken: an unknown key. The ignore rule of the last valid file holds.
	e.gh.Push(t, "acme/cfg", "main", map[string]string{".github/bumpbot.yml": cfg + "labls: [x]\n"}, "break the config")
	push := map[string]any{"ref": "refs/heads/main", "after": e.gh.Head("acme/cfg", "main"), "size": 1,
		"installation": map[string]any{"id": inst + 2},
		"repository":   map[string]any{"id": 3, "name": "cfg", "full_name": "acme/cfg", "default_branch": "main"},
		"commits":      []any{map[string]any{"id": e.gh.Head("acme/cfg", "main"), "modified": []string{".github/bumpbot.yml"}}}}
	if status, body := deliver(t, srv.url, "push", "del-c2", push); status != 202 {
		t.Fatalf("push: %d %s", status, body)
	}
	// The problems are logged, then stored: wait for the store.
	var got []repostate.Recorded
	waitFor(t, "the stored config error", func() bool {
		got, _ = srv.srv.State().Problems(context.Background(), inst+2, "acme/cfg")
		return len(got) > 0 && got[0].Kind == problem.Config
	})
	if len(got) == 0 || got[0].Kind != problem.Config || got[0].Location() != ".github/bumpbot.yml:9:1" || !strings.Contains(got[0].Message, `unknown key "labls"`) {
		t.Errorf("stored problems %+v", got)
	}
	if n := len(e.gh.Pulls("acme/cfg")); n != 1 {
		t.Errorf("%d pull requests: the ignore rule of the last valid configuration did not hold", n)
	}

	// One issue holds every mistake, kept current, and closes once fixed.
	waitFor(t, "the configuration issue", func() bool { return len(e.gh.Issues("acme/cfg")) == 1 })
	is := e.gh.Issues("acme/cfg")[0]
	golden(t, "config_issue.md", []byte(is.Body))
	pushConfig := func(delivery, body string) {
		e.gh.Push(t, "acme/cfg", "main", map[string]string{".github/bumpbot.yml": body}, "edit the config")
		push["after"] = e.gh.Head("acme/cfg", "main")
		if status, body := deliver(t, srv.url, "push", delivery, push); status != 202 {
			t.Fatalf("push: %d %s", status, body)
		}
	}
	pushConfig("del-c3", cfg+"strategy: newest\n")
	waitFor(t, "the issue updated", func() bool {
		is := e.gh.Issues("acme/cfg")
		return len(is) == 1 && strings.Contains(is[0].Body, `strategy "newest"`)
	})
	pushConfig("del-c4", cfg)
	waitFor(t, "the issue closed", func() bool { return e.gh.Issues("acme/cfg")[0].State == "closed" })
	if n := len(e.gh.Issues("acme/cfg")); n != 1 {
		t.Errorf("%d issues, want the one kept current", n)
	}
	if cs := e.gh.Comments("acme/cfg", is.Number); len(cs) != 1 || !strings.Contains(cs[0].Body, "parses again") {
		t.Errorf("closing comment %+v", cs)
	}
}

// The org's defaults (bumpbot.yml in its .github repository) apply to
// every repository; a repository's own file overrides them key by key.
func TestOrgDefaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.gh.CreateRepo(t, "acme/.github", "main", map[string]string{"bumpbot.yml": "version: 1\nlabels: [org-default]\ncommit-message: {prefix: deps}\n"})
	e.gh.CreateRepo(t, "acme/own", "main", map[string]string{"main.tf": mainTF, ".github/bumpbot.yml": "version: 1\nlabels: [mine]\n"})
	e.gh.AddInstallation(inst+3, "acme/.github", "acme/infra", "acme/own")
	srv := e.start(t, 5*time.Second)
	install(t, srv.url, "del-org", inst+3, "acme/infra", "acme/own")
	for repo, want := range map[string]string{"acme/infra": "org-default", "acme/own": "mine"} {
		waitFor(t, repo+" labels", func() bool { ps := e.gh.Pulls(repo); return len(ps) == 1 && len(ps[0].Labels) == 1 })
		if pr := e.gh.Pulls(repo)[0]; pr.Labels[0] != want || !strings.HasPrefix(pr.Title, "deps: bump mylayer") {
			t.Errorf("%s: labels %v title %q, want %s and the org's prefix", repo, pr.Labels, pr.Title, want)
		}
	}
}

// The org's security policy (bumpbot-policy.yml in its .github
// repository): no bump lands on a version it rejects, and a pull request
// moving a pin off a rejected version is a security pull request.
func TestOrgPolicy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pol := "version: 1\nrules:\n  - {layer: mylayer, minimum: 4, deny: [5], reason: \"mylayer < 4 leaks\", link: \"https://example.com/adv/1\"}\nsecurity-pr: {labels: [security], team-reviewers: [appsec]}\n"
	e.gh.CreateRepo(t, "acme/.github", "main", map[string]string{"bumpbot-policy.yml": pol})
	e.gh.AddInstallation(inst+4, "acme/.github", "acme/infra")
	srv := e.start(t, 5*time.Second)
	install(t, srv.url, "del-pol", inst+4, "acme/infra")
	waitFor(t, "the security pull request", func() bool { ps := e.gh.Pulls(repoN); return len(ps) == 1 && len(ps[0].TeamReviewers) == 1 })
	pr := e.gh.Pulls(repoN)[0]
	if pr.Title != "Bump mylayer layer from 3 to 4" {
		t.Errorf("title %q: version 5 is denied, 4 is the newest allowed", pr.Title)
	}
	if !strings.Contains(strings.Join(pr.Labels, ","), "security") || pr.TeamReviewers[0] != "appsec" ||
		!strings.HasPrefix(pr.Body, "> [!CAUTION]\n> **Security policy:**") || !strings.Contains(pr.Body, "`mylayer` 3: version 3 is below the minimum 4: mylayer < 4 leaks (https://example.com/adv/1).") {
		t.Errorf("labels %v team %v body:\n%s", pr.Labels, pr.TeamReviewers, pr.Body)
	}
}
