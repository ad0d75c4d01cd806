package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
)

// pullOpened is the pull_request event GitHub sends when a pull request
// is opened.
func pullOpened(gh *ghapptest.Server, id int64, repo string, number int, branch string) map[string]any {
	_, short, _ := strings.Cut(repo, "/")
	return map[string]any{
		"action": "opened", "number": number,
		"installation": map[string]any{"id": id},
		"repository":   map[string]any{"id": 1, "name": short, "full_name": repo, "default_branch": "main"},
		"pull_request": map[string]any{"number": number, "state": "open",
			"head": map[string]any{"ref": branch, "sha": gh.Head(repo, branch)}, "base": map[string]any{"ref": "main"}},
	}
}

// checkOn waits for the bumpbot/policy check run on the head of branch.
func checkOn(t *testing.T, gh *ghapptest.Server, repo, branch string) ghapptest.CheckRun {
	t.Helper()
	sha := gh.Head(repo, branch)
	var run ghapptest.CheckRun
	waitFor(t, "the check run on "+branch, func() bool {
		for _, c := range gh.CheckRuns(repo) {
			if c.HeadSHA == sha && c.Name == "bumpbot/policy" && c.Status == "completed" {
				run = c
				return true
			}
		}
		return false
	})
	return run
}

// policyOrg starts the App on an org whose .github repository holds pol,
// installation id covering it and acme/infra.
func policyOrg(t *testing.T, id int64, pol string) (*env, *running) {
	t.Helper()
	e := newEnv(t)
	e.gh.CreateRepo(t, "acme/.github", "main", map[string]string{"bumpbot-policy.yml": pol})
	e.gh.AddInstallation(id, "acme/.github", repoN)
	return e, e.start(t, 5*time.Second)
}

// checkPull opens a pull request of acme/infra from branch, which files
// changes from main, delivers its event (as delivery) and returns its
// bumpbot/policy check run and its number.
func checkPull(t *testing.T, e *env, srv *running, id int64, branch, delivery string, files map[string]string) (ghapptest.CheckRun, int) {
	t.Helper()
	e.gh.Branch(t, repoN, "main", branch)
	e.gh.Push(t, repoN, branch, files, branch)
	n := e.gh.OpenPull(t, repoN, branch, branch, "", time.Now())
	if status, body := deliver(t, srv.url, "pull_request", delivery, pullOpened(e.gh, id, repoN, n, branch)); status != 202 {
		t.Fatalf("pull_request webhook: %d %s", status, body)
	}
	return checkOn(t, e.gh, repoN, branch), n
}

// The required check: a pull request that adds a denied version fails
// bumpbot/policy with an annotation at the line that pins it; one that
// adds none passes.
func TestPolicyCheck(t *testing.T) {
	t.Parallel()
	const id = inst + 6
	e, srv := policyOrg(t, id, "version: 1\nrules:\n  - {layer: mylayer, deny: [4], reason: \"mylayer 4 was withdrawn\", link: \"https://example.com/adv/4\"}\n")
	added := mainTF + `
resource "aws_lambda_function" "g" {
  function_name = "g"
  runtime       = "python3.12"
  layers        = ["arn:aws:lambda:us-east-1:123456789012:layer:mylayer:4"]
}
`
	run, _ := checkPull(t, e, srv, id, "feature", "del-pr-1", map[string]string{"main.tf": added})
	if run.Conclusion != "failure" || len(run.Annotations) != 1 {
		t.Fatalf("check run %+v, want a failure with one annotation", run)
	}
	if a := run.Annotations[0]; a.Path != "main.tf" || a.StartLine != 10 || a.EndLine != 10 || a.Level != "failure" ||
		!strings.Contains(a.Message, "version 4 is withdrawn (denied): mylayer 4 was withdrawn (https://example.com/adv/4)") {
		t.Errorf("annotation %+v, want main.tf:10 (the pin the pull request adds)", a)
	}
	golden(t, "policy_check_failure.md", fmt.Appendf(nil, "%s\n\n%s", run.Title, run.Summary))

	// A clean pull request passes; a redelivered event for a head
	// already checked against the same policy writes no second run.
	run, n := checkPull(t, e, srv, id, "docs", "del-pr-2", map[string]string{"README.md": "# infra\n\nMore.\n", "main.tf": strings.Replace(mainTF, `"f"`, `"f2"`, 1)})
	if run.Conclusion != "success" || len(run.Annotations) != 0 ||
		run.Title != "1 pin checked: this pull request adds or changes none the security policy rejects" {
		t.Errorf("clean pull request: %+v", run)
	}
	before := len(e.gh.CheckRuns(repoN))
	deliver(t, srv.url, "pull_request", "del-pr-3", pullOpened(e.gh, id, repoN, n, "docs"))
	waitFor(t, "the third reconcile", func() bool { return strings.Count(e.logs.String(), `"msg":"reconciled"`) >= 3 })
	if after := len(e.gh.CheckRuns(repoN)); after != before {
		t.Errorf("%d check runs after a redelivery, want %d", after, before)
	}
}

// everything-after-deadline: once a rule's deadline has passed, a pull
// request that touches no pin fails while the repository still pins a
// rejected version, annotated where it is pinned.
func TestPolicyCheckAfterDeadline(t *testing.T) {
	t.Parallel()
	const id = inst + 10
	e, srv := policyOrg(t, id, "version: 1\nrules:\n  - {layer: mylayer, minimum: 4, deadline: 2020-01-31}\nenforcement: {check: everything-after-deadline}\n")
	run, _ := checkPull(t, e, srv, id, "docs", "del-deadline", map[string]string{"README.md": "# infra\n\nMore.\n"})
	if run.Conclusion != "failure" || len(run.Annotations) != 1 || run.Annotations[0].Path != "main.tf" || run.Annotations[0].StartLine != 4 ||
		!strings.Contains(run.Annotations[0].Message, "deadline 2020-01-31 passed") {
		t.Errorf("check run %+v", run)
	}
}
