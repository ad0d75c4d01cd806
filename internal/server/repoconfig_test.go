package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
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
	cfg := "version: 1\nlabels: [deps]\ncommit-message: {prefix: \"chore(deps)\"}\nignore:\n  - {layer: other}\n"
	e.gh.CreateRepo(t, "acme/cfg", "main", map[string]string{"main.tf": two, ".github/bumpbot.yml": cfg})
	e.gh.AddInstallation(inst+2, "acme/cfg")
	srv := e.start(t, 5*time.Second)
	install := map[string]any{"action": "created", "installation": map[string]any{"id": inst + 2},
		"repositories": []any{map[string]any{"id": 3, "name": "cfg", "full_name": "acme/cfg"}}}
	if status, body := deliver(t, srv.url, "installation", "del-c1", install); status != 202 {
		t.Fatalf("installation: %d %s", status, body)
	}
	waitFor(t, "the pull request", func() bool { return len(e.gh.Pulls("acme/cfg")) == 1 })
	waitFor(t, "labels", func() bool { return len(e.gh.Pulls("acme/cfg")[0].Labels) == 1 })
	pr := e.gh.Pulls("acme/cfg")[0]
	if pr.Title != "chore(deps): bump mylayer layer from 3 to 5" || pr.Labels[0] != "deps" {
		t.Errorf("PR %q labels %v", pr.Title, pr.Labels)
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
	waitFor(t, "the config error", func() bool { return strings.Contains(e.logs.String(), `"kind":"config"`) })
	got, err := srv.srv.State().Problems(context.Background(), inst+2, "acme/cfg")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Kind != problem.Config || got[0].Location() != ".github/bumpbot.yml:6:1" || !strings.Contains(got[0].Message, `unknown key "labls"`) {
		t.Errorf("stored problems %+v", got)
	}
	if n := len(e.gh.Pulls("acme/cfg")); n != 1 {
		t.Errorf("%d pull requests: the ignore rule of the last valid configuration did not hold", n)
	}
}
