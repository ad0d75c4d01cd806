package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
)

// A pin the policy rejects, whose every allowed version is incompatible
// with the function, gets one issue saying why instead of a pull
// request; once the function moves to a runtime a compliant version
// supports, the pull request opens and the issue closes.
func TestNoCompliantVersion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	root := t.TempDir()
	reconciletest.Publish(t, root, "us-east-1", account, "mylayer", 3, 4, 5)
	for _, v := range []string{"4", "5"} {
		meta := `{"description":"mylayer ` + v + `","compatible_runtimes":["python3.13"]}`
		if err := os.WriteFile(filepath.Join(root, "aws", "us-east-1", account, "mylayer", v+".json"), []byte(meta), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := layers.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	e.reg = reg
	e.gh.CreateRepo(t, "acme/.github", "main", map[string]string{"bumpbot-policy.yml": "version: 1\nrules:\n  - {layer: mylayer, minimum: 4, reason: \"mylayer < 4 leaks\"}\n"})
	const id = inst + 9
	e.gh.AddInstallation(id, "acme/.github", repoN)
	srv := e.start(t, 5*time.Second)
	install(t, srv.url, "del-stuck", id, repoN)
	waitFor(t, "the issue", func() bool { return len(e.gh.Issues(repoN)) == 1 })
	is := e.gh.Issues(repoN)[0]
	if is.Title != "bumpbot: no compliant layer version" || len(e.gh.Pulls(repoN)) != 0 {
		t.Errorf("issue %q, %d pull requests", is.Title, len(e.gh.Pulls(repoN)))
	}
	golden(t, "stuck_issue.md", []byte(is.Body))

	e.gh.Push(t, repoN, "main", map[string]string{"main.tf": strings.Replace(mainTF, "python3.12", "python3.13", 1)}, "runtime")
	push := pushMainTF(e.gh)
	push["installation"] = map[string]any{"id": id}
	deliver(t, srv.url, "push", "del-stuck-push", push)
	waitFor(t, "the pull request and the issue closed", func() bool {
		return len(e.gh.Pulls(repoN)) == 1 && e.gh.Issues(repoN)[0].State == "closed"
	})
	if pr := e.gh.Pulls(repoN)[0]; pr.Title != "Bump mylayer layer from 3 to 5" {
		t.Errorf("pull request %q", pr.Title)
	}
}
