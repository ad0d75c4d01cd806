package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/jobs"
)

// pushPolicy commits bumpbot-policy.yml to the org's .github repository
// and delivers the push event GitHub sends for it.
func pushPolicy(t testing.TB, gh *ghapptest.Server, url, delivery string, id int64, content string) {
	t.Helper()
	sha := gh.Push(t, "acme/.github", "main", map[string]string{"bumpbot-policy.yml": content}, "policy")
	payload := map[string]any{
		"ref": "refs/heads/main", "after": sha, "size": 1,
		"installation": map[string]any{"id": id},
		"repository":   map[string]any{"id": 9, "name": ".github", "full_name": "acme/.github", "default_branch": "main"},
		"commits":      []any{map[string]any{"id": sha, "modified": []string{"bumpbot-policy.yml"}}},
	}
	if status, body := deliver(t, url, "push", delivery, payload); status != 202 || !strings.Contains(body, "queued") {
		t.Fatalf("push to .github: %d %s", status, body)
	}
}

// An org's policy that does not parse is one issue in its .github
// repository, each mistake at its line and column; fixed, the issue
// closes and every repository of the layer index is evaluated against
// the new policy: its pull requests become security pull requests on a
// compliant version.
func TestPolicyChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.gh.CreateRepo(t, "acme/.github", "main", map[string]string{"bumpbot-policy.yml": "version: 1\nrules:\n  - {layer: other, minimum: 2}\n"})
	e.gh.CreateRepo(t, "acme/api", "main", map[string]string{"main.tf": mainTF})
	const id = inst + 7
	e.gh.AddInstallation(id, "acme/.github", repoN, "acme/api")
	srv := e.start(t, 5*time.Second)
	install(t, srv.url, "del-install", id, "acme/.github", repoN, "acme/api")
	for _, r := range []string{repoN, "acme/api"} {
		waitFor(t, "the pull request of "+r, func() bool { ps := e.gh.Pulls(r); return len(ps) == 1 && len(ps[0].Labels) > 0 })
		if pr := e.gh.Pulls(r)[0]; pr.Title != "Bump mylayer layer from 3 to 5" {
			t.Fatalf("%s: %q before the policy change", r, pr.Title)
		}
	}

	pushPolicy(t, e.gh, srv.url, "del-bad", id, "version: 1\nrules:\n  - layer: mylayer\n    minimun: 4\n")
	var issue ghapptest.Issue
	waitFor(t, "the policy-error issue", func() bool {
		is := e.gh.Issues("acme/.github")
		if len(is) == 1 {
			issue = is[0]
		}
		return len(is) == 1
	})
	if issue.Title != "bumpbot: security policy error" || issue.State != "open" {
		t.Errorf("issue %+v", issue)
	}
	golden(t, "policy_issue.md", []byte(issue.Body))

	pushPolicy(t, e.gh, srv.url, "del-fixed", id,
		"version: 1\nrules:\n  - {layer: mylayer, minimum: 4, deny: [5], reason: \"mylayer < 4 leaks\"}\nsecurity-pr: {labels: [security], team-reviewers: [appsec]}\n")
	waitFor(t, "the issue closed", func() bool { return e.gh.Issues("acme/.github")[0].State == "closed" })
	for _, r := range []string{repoN, "acme/api"} {
		waitFor(t, "the security pull request of "+r, func() bool {
			ps := e.gh.Pulls(r)
			return len(ps) == 1 && ps[0].Title == "Bump mylayer layer from 3 to 4" && strings.Contains(strings.Join(ps[0].Labels, ","), "security") &&
				strings.Join(ps[0].TeamReviewers, ",") == "appsec"
		})
	}
	fanouts := 0
	for _, l := range strings.Split(e.logs.String(), "\n") {
		if strings.Contains(l, `"msg":"security policy changed: re-evaluating the fleet"`) {
			fanouts++
			if !strings.Contains(l, `"repositories":2`) {
				t.Errorf("fan-out: %s", l)
			}
		}
	}
	// The first policy may fan out too, when the .github repository's
	// first reconcile ran after the others filled the index.
	if fanouts < 1 || fanouts > 2 {
		t.Errorf("%d fan-outs, want the fixed policy's (the broken one changes nothing)", fanouts)
	}
	// The fan-out's reconciles come before events' and polls'.
	db, err := jobs.Open(context.Background(), e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var urgent int
	if err := db.QueryRow(`SELECT count(*) FROM river_job WHERE kind = 'bumpbot_reconcile_repo' AND priority = $1 AND json_extract(args, '$.repo') = 'acme/api'`,
		jobs.PriorityPolicy).Scan(&urgent); err != nil {
		t.Fatal(err)
	}
	if urgent == 0 {
		t.Error("the policy change's reconcile of acme/api was not queued at the policy's priority")
	}
}
