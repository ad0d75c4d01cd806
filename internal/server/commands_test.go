package server_test

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
)

// cmdEnv is a server whose layer registry publishes mylayer 3 and 5 (no
// 4, so ignoring 5 leaves nothing to propose), with pull request #1
// (mylayer 3 → 5) open, alice a writer and mallory a reader.
type cmdEnv struct {
	*env
	url    string
	root   string
	nextID atomic.Int64
}

func newCmdEnv(t *testing.T) *cmdEnv {
	t.Helper()
	e := &cmdEnv{env: newEnv(t), root: t.TempDir()}
	reconciletest.Publish(t, e.root, "us-east-1", account, "mylayer", 3, 5)
	reg, err := layers.OpenDir(e.root)
	if err != nil {
		t.Fatal(err)
	}
	e.reg = reg
	e.gh.SetPermission(repoN, "alice", "write")
	e.gh.SetPermission(repoN, "mallory", "read")
	e.url = e.start(t, 5*time.Second).url
	if status, body := deliver(t, e.url, "installation", "del-install", installationCreated); status != 202 {
		t.Fatalf("installation webhook: %d %s", status, body)
	}
	waitFor(t, "the pull request", func() bool { return len(e.gh.Pulls(repoN)) == 1 })
	e.waitReconciles(t, 1)
	return e
}

// command writes a comment by user on pull request number and delivers
// its issue_comment webhook; it returns the comment's id and the
// delivery id.
func (e *cmdEnv) command(t *testing.T, number int, user, body string) (int64, string) {
	t.Helper()
	id := e.gh.AddComment(repoN, number, user, body)
	if id == 0 {
		t.Fatalf("no pull request #%d", number)
	}
	delivery := fmt.Sprintf("del-comment-%d", e.nextID.Add(1))
	e.redeliver(t, delivery, number, id, user, body, 202)
	return id, delivery
}

// redeliver sends the issue_comment webhook of comment id and checks the
// status answered.
func (e *cmdEnv) redeliver(t *testing.T, delivery string, number int, id int64, user, body string, want int) {
	t.Helper()
	payload := commentPayload("created", number, id, user, "User", body)
	if status, resp := deliver(t, e.url, "issue_comment", delivery, payload); status != want {
		t.Fatalf("issue_comment webhook: %d %s, want %d", status, resp, want)
	}
}

// commentPayload is the issue_comment webhook GitHub sends for a comment
// on pull request number; kind is the author's type (User, Bot).
func commentPayload(action string, number int, id int64, user, kind, body string) map[string]any {
	return map[string]any{
		"action":       action,
		"installation": map[string]any{"id": inst},
		"repository":   map[string]any{"id": 1, "name": "infra", "full_name": repoN, "default_branch": "main"},
		"issue":        map[string]any{"number": number, "pull_request": map[string]any{"url": "https://api.github.example/pulls/1"}},
		"comment":      map[string]any{"id": id, "body": body, "user": map[string]any{"login": user, "type": kind}},
	}
}

// carriedOut gives a command and waits for its +1 reaction and for
// reconciles to have run in all.
func (e *cmdEnv) carriedOut(t *testing.T, number int, user, body string, reconciles int) (int64, string) {
	t.Helper()
	id, delivery := e.command(t, number, user, body)
	waitFor(t, "the +1 reaction to "+body, func() bool { return slices.Contains(e.comment(id).Reactions, "+1") })
	e.waitReconciles(t, reconciles)
	return id, delivery
}

// waitReconciles waits until n reconciles finished.
func (e *cmdEnv) waitReconciles(t *testing.T, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d reconciles", n), func() bool { return strings.Count(e.logs.String(), `"msg":"reconciled"`) >= n })
}

func (e *cmdEnv) comment(id int64) ghapptest.Comment {
	for _, c := range e.gh.Comments(repoN, 1) {
		if c.ID == id {
			return c
		}
	}
	for _, p := range e.gh.Pulls(repoN) {
		for _, c := range e.gh.Comments(repoN, p.Number) {
			if c.ID == id {
				return c
			}
		}
	}
	return ghapptest.Comment{}
}

// botComments are the comments the app wrote on pull request number.
func (e *cmdEnv) botComments(number int) []string {
	var out []string
	for _, c := range e.gh.Comments(repoN, number) {
		if c.User == "" {
			out = append(out, c.Body)
		}
	}
	return out
}

func hasBranch(gh *ghapptest.Server, branch string) bool {
	return slices.Contains(gh.Branches(repoN), branch)
}

func TestCommandHelp(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t)
	id, _ := e.command(t, 1, "alice", "@bumpbot help")
	waitFor(t, "the +1 reaction", func() bool { return slices.Contains(e.comment(id).Reactions, "+1") })
	replies := e.botComments(1)
	if len(replies) != 1 {
		t.Fatalf("replies = %q, want the help", replies)
	}
	golden(t, "command_help.md", []byte(replies[0]))
}

func TestCommandUnknown(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t)
	id, _ := e.command(t, 1, "alice", "@bumpbot merge please")
	waitFor(t, "the reply", func() bool { return len(e.botComments(1)) == 1 })
	if r := e.botComments(1)[0]; !strings.Contains(r, "I do not know the command `merge please`") || !strings.Contains(r, "`@bumpbot ignore this layer`") {
		t.Errorf("reply = %q", r)
	}
	e.waitReconciles(t, 2)
	if r := e.comment(id).Reactions; len(r) != 0 {
		t.Errorf("an unknown command got reactions %q", r)
	}
}

// A reader's command is answered once, politely, and not carried out; a
// redelivery of its webhook changes nothing.
func TestCommandWithoutPermission(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t)
	id, delivery := e.command(t, 1, "mallory", "@bumpbot ignore this layer")
	waitFor(t, "the refusal", func() bool { return len(e.botComments(1)) == 1 })
	if r := e.botComments(1)[0]; !strings.Contains(r, "@mallory") || !strings.Contains(r, "write, maintain or admin permission") {
		t.Errorf("refusal = %q", r)
	}
	e.redeliver(t, delivery, 1, id, "mallory", "@bumpbot ignore this layer", 200)
	e.waitReconciles(t, 2)
	if p := e.gh.Pulls(repoN)[0]; p.State != "open" || !hasBranch(e.gh, "bumpbot/mylayer") {
		t.Errorf("a reader's command was carried out: %+v", p)
	}
	if r := e.comment(id).Reactions; len(r) != 0 {
		t.Errorf("reactions = %q", r)
	}
	if n := len(e.botComments(1)); n != 1 {
		t.Errorf("%d replies, want 1", n)
	}
}

// "ignore this version" closes the pull request and deletes its branch;
// the version stays ignored, and a newer one opens a new pull request
// that lists the ignore.
func TestCommandIgnoreVersion(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t)
	id, delivery := e.carriedOut(t, 1, "alice", "@bumpbot ignore this version", 2)
	if p := e.gh.Pulls(repoN)[0]; p.State != "closed" {
		t.Errorf("PR #1 is %s, want closed", p.State)
	}
	if hasBranch(e.gh, "bumpbot/mylayer") {
		t.Error("the closed pull request's branch was kept")
	}
	if c := e.botComments(1); len(c) != 1 || !strings.Contains(c[0], "mylayer: ignored by @alice on ") || !strings.Contains(c[0], "version 5") {
		t.Errorf("closing comment = %q", c)
	}
	// Redelivered: not carried out again (no second closing comment).
	e.redeliver(t, delivery, 1, id, "alice", "@bumpbot ignore this version", 200)

	reconciletest.Publish(t, e.root, "us-east-1", account, "mylayer", 6)
	if status, _ := deliver(t, e.url, "push", "del-push", pushMainTF(e.gh)); status != 202 {
		t.Fatalf("push webhook: %d", status)
	}
	waitFor(t, "a new pull request", func() bool { return len(e.gh.Pulls(repoN)) == 2 })
	p := e.gh.Pulls(repoN)[1]
	if p.Title != "Bump mylayer layer from 3 to 6" || p.State != "open" {
		t.Errorf("new PR = %q %s", p.Title, p.State)
	}
	if !strings.Contains(p.Body, "mylayer: ignored by @alice on ") || !strings.Contains(p.Body, ": version 5") {
		t.Errorf("new PR body does not list the ignore:\n%s", p.Body)
	}
	if n := len(e.botComments(1)); n != 1 {
		t.Errorf("%d comments on #1 after a redelivery, want 1", n)
	}
}

// "ignore this layer" holds the layer back until "unignore", which opens
// its pull request again at once.
func TestCommandIgnoreLayerUnignore(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t)
	e.carriedOut(t, 1, "alice", "@bumpbot ignore this layer", 2)
	if p := e.gh.Pulls(repoN); len(p) != 1 || p[0].State != "closed" || hasBranch(e.gh, "bumpbot/mylayer") {
		t.Fatalf("after ignore this layer: %+v, branches %q", p, e.gh.Branches(repoN))
	}
	if c := e.botComments(1); len(c) != 1 || !strings.Contains(c[0], "the whole layer") {
		t.Errorf("closing comment = %q", c)
	}
	id, _ := e.command(t, 1, "alice", "@bumpbot unignore")
	waitFor(t, "the pull request again", func() bool { return len(e.gh.Pulls(repoN)) == 2 })
	if p := e.gh.Pulls(repoN)[1]; p.State != "open" || p.Title != "Bump mylayer layer from 3 to 5" {
		t.Errorf("after unignore: %+v", p)
	}
	waitFor(t, "the +1 reaction", func() bool { return slices.Contains(e.comment(id).Reactions, "+1") })
}

// "recreate" takes back a branch a person pushed to; "rebase" moves the
// bot's commit onto the default branch's new tip.
func TestCommandRecreateAndRebase(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t)
	bumped, _ := e.gh.File(repoN, "bumpbot/mylayer", "main.tf")
	e.gh.Push(t, repoN, "bumpbot/mylayer", map[string]string{"main.tf": "# mine\n"}, "my change")
	if status, _ := deliver(t, e.url, "push", "del-push-main", pushMainTF(e.gh)); status != 202 {
		t.Fatalf("push webhook: %d", status)
	}
	e.waitReconciles(t, 2)
	if got, _ := e.gh.File(repoN, "bumpbot/mylayer", "main.tf"); string(got) != "# mine\n" {
		t.Fatalf("the reconcile overwrote a person's push: %q", got)
	}
	e.carriedOut(t, 1, "alice", "@bumpbot recreate", 3)
	if got, _ := e.gh.File(repoN, "bumpbot/mylayer", "main.tf"); string(got) != string(bumped) {
		t.Errorf("after recreate main.tf = %q, want the bot's bump", got)
	}

	e.gh.Push(t, repoN, "main", map[string]string{"README.md": "# infra, v2\n"}, "docs")
	e.carriedOut(t, 1, "alice", "@bumpbot rebase", 4)
	if got, _ := e.gh.File(repoN, "bumpbot/mylayer", "README.md"); string(got) != "# infra, v2\n" {
		t.Errorf("after rebase README.md = %q, want the default branch's", got)
	}
	if n := len(e.gh.Pulls(repoN)); n != 1 {
		t.Errorf("%d pull requests, want 1", n)
	}
}

// A person's push stops the bot on that branch, said once in a comment
// however many reconciles follow.
func TestPersonPushedSaidOnce(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t)
	e.gh.Push(t, repoN, "bumpbot/mylayer", map[string]string{"handler.py": "fixed\n"}, "adapt the handler")
	for i, d := range []string{"del-push-a", "del-push-b"} {
		if status, _ := deliver(t, e.url, "push", d, pushMainTF(e.gh)); status != 202 {
			t.Fatalf("push webhook: %d", status)
		}
		e.waitReconciles(t, 2+i)
	}
	c := e.botComments(1)
	if len(c) != 1 || !strings.Contains(c[0], "Someone other than @bumpbot pushed to this branch") || !strings.Contains(c[0], "`@bumpbot recreate`") {
		t.Errorf("comments = %q, want one saying the bot stopped", c)
	}
	if got, _ := e.gh.File(repoN, "bumpbot/mylayer", "handler.py"); string(got) != "fixed\n" {
		t.Errorf("the person's commit was overwritten")
	}
}

// Comments that are no command are acknowledged and cost no reconcile:
// another addressee, the bot's own, an edit.
func TestCommentsThatAreNoCommand(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t)
	for i, c := range []struct {
		action, user, kind, body string
	}{
		{"created", "alice", "User", "@someone please look"},
		{"created", "alice", "User", "thanks @bumpbot"},
		{"created", "bumpbot[bot]", "Bot", "@bumpbot help"},
		{"edited", "alice", "User", "@bumpbot help"},
	} {
		payload := commentPayload(c.action, 1, int64(900+i), c.user, c.kind, c.body)
		if status, body := deliver(t, e.url, "issue_comment", fmt.Sprintf("del-nc-%d", i), payload); status != 202 || !strings.Contains(body, "ignored") {
			t.Errorf("%q by %s (%s): %d %s, want ignored", c.body, c.user, c.action, status, body)
		}
	}
}

// A bump pull request merged: the pull_request webhook has its branch
// deleted at once; another pull request's close asks for nothing.
func TestPullRequestClosedDeletesBranch(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t)
	closed := func(head string) map[string]any {
		return map[string]any{
			"action": "closed", "number": 1,
			"installation": map[string]any{"id": inst},
			"repository":   map[string]any{"id": 1, "name": "infra", "full_name": repoN, "default_branch": "main"},
			"pull_request": map[string]any{"number": 1, "state": "closed", "merged": true, "head": map[string]any{"ref": head}},
		}
	}
	if status, body := deliver(t, e.url, "pull_request", "del-pr-other", closed("feature/x")); status != 202 || !strings.Contains(body, "ignored") {
		t.Errorf("a person's pull request closed: %d %s, want ignored", status, body)
	}
	e.gh.MergePull(repoN, 1)
	e.gh.Push(t, repoN, "main", map[string]string{"main.tf": strings.Replace(mainTF, "mylayer:3", "mylayer:5", 1)}, "Merge #1")
	if status, _ := deliver(t, e.url, "pull_request", "del-pr-1", closed("bumpbot/mylayer")); status != 202 {
		t.Fatalf("pull_request webhook: %d", status)
	}
	waitFor(t, "the branch deleted", func() bool { return !hasBranch(e.gh, "bumpbot/mylayer") })
}
