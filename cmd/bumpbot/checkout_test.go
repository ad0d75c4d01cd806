package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestNameOfURL(t *testing.T) {
	t.Parallel()
	for u, want := range map[string]string{
		"https://github.com/acme/infra.git":         "acme/infra",
		"https://github.com/acme/infra":             "acme/infra",
		"git@github.com:acme/infra.git":             "acme/infra",
		"ssh://git@ghe.example.com/acme/infra.git/": "acme/infra",
		"https://ghe.example.com/git/acme/infra":    "acme/infra",
		"":                                          "",
		"infra":                                     "",
		"https://github.com/":                       "",
	} {
		if got := nameOfURL(u); got != want {
			t.Errorf("nameOfURL(%q) = %q, want %q", u, got, want)
		}
	}
}

// A checkout is named by its origin remote, whether .git is the
// repository or (a linked worktree) a file pointing into one; without a
// usable origin, by its directory.
func TestRepoName(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write := func(p, body string) {
		t.Helper()
		p = filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("clone/.git/config", "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/other/fork.git\n[remote \"origin\"]\n\turl = git@github.com:acme/api.git\n")
	write("clone/.git/worktrees/wt/commondir", "../..\n")
	write("wt/.git", "gitdir: ../clone/.git/worktrees/wt\n")
	write("plain/main.tf", "")
	write("noorigin/.git/config", "[remote \"upstream\"]\n\turl = https://github.com/other/fork.git\n")
	for dir, want := range map[string]string{"clone": "acme/api", "wt": "acme/api", "plain": "plain", "noorigin": "noorigin"} {
		if got := repoName(filepath.Join(root, dir)); got != want {
			t.Errorf("%s: %q, want %q", dir, got, want)
		}
	}
}
