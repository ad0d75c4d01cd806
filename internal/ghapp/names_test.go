package ghapp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/ghapp"
	"github.com/bumpbot/bumpbot/internal/reconcile"
)

// Names from payloads become API paths: one GitHub would never have given
// is refused by Repo, and nothing reaches the network.
func TestRepoRefusesBadNames(t *testing.T) {
	t.Parallel()
	gh := fakeGitHub(t, map[string]string{"main.tf": "v1\n"})
	c := client(t, gh, ghapp.Config{})
	warm(t, c)
	for _, name := range []string{
		"../app",                // GET /app with an installation token
		"../..",                 // the API root
		"acme/infra?per_page=1", // a query
		"acme/infra#x",
		"acme/..",
		"acme/.",
		"acme/infra/git",
		"acme/%2e%2e",
		"acme/in fra",
		"acme/infra\n",
		"acme/",
		"/infra",
		"acme",
		"",
		"-acme/infra",
		"ac.me/infra",
		strings.Repeat("a", 40) + "/infra",
		"acme/" + strings.Repeat("r", 101),
		"acme/infrа", // Cyrillic a
	} {
		gh.ResetCounts()
		r, err := c.Repo(name)
		if err == nil {
			// Show what the name would have reached.
			r.Snapshot(context.Background())
			t.Errorf("Repo(%q) accepted; requests: %v", name, gh.Counts().ByRoute)
			continue
		}
		if !errors.Is(err, ghapp.ErrBadName) || !strings.Contains(err.Error(), "repository") {
			t.Errorf("Repo(%q) = %v, want an ErrBadName naming the repository", name, err)
		}
		if n := gh.Counts().Total; n != 0 {
			t.Errorf("Repo(%q): %d requests, want none", name, n)
		}
	}
}

// Names GitHub gives, old and new, are accepted.
func TestRepoAcceptsGitHubNames(t *testing.T) {
	t.Parallel()
	gh := fakeGitHub(t, nil)
	c := client(t, gh, ghapp.Config{})
	for _, name := range []string{
		"acme/infra", "ACME/Infra", "a/b", "acme/.github", "acme/infra.tf", "acme/_x-y.z",
		"old--org-/x",   // legacy accounts: double and trailing hyphens
		"jdoe_acme/x",   // Enterprise Managed User
		"acme/..config", // dots inside a name are fine
		strings.Repeat("a", 39) + "/" + strings.Repeat("r", 100),
	} {
		r, err := c.Repo(name)
		if err != nil {
			t.Errorf("Repo(%q): %v", name, err)
		} else if r.FullName() != name {
			t.Errorf("Repo(%q).FullName() = %q", name, r.FullName())
		}
	}
}

// A payload naming a repository of another account than the
// installation's is refused by every forge call before any request to the
// repository.
func TestRepoOfAnotherAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	gh := fakeGitHub(t, map[string]string{"main.tf": "v1\n"})
	gh.CreateRepo(t, "other/svc", "main", map[string]string{"main.tf": "v1\n"})
	gh.AddInstallation(8, "other/svc")
	c := client(t, gh, ghapp.Config{})
	r, err := c.Repo("other/svc")
	if err != nil {
		t.Fatal(err)
	}
	gh.ResetCounts()
	calls := map[string]func() error{
		"Snapshot": func() error { _, err := r.Snapshot(ctx); return err },
		"ReadFile": func() error {
			_, err := r.ReadFile(ctx, reconcile.Entry{Path: "main.tf", SHA: strings.Repeat("a", 40)})
			return err
		},
		"OpenChanges": func() error { _, err := r.OpenChanges(ctx); return err },
		"Comment":     func() error { return r.Comment(ctx, 1, "hi") },
		"Publish": func() error {
			_, err := r.Publish(ctx, reconcile.Change{Branch: "bumpbot/x", Base: reconcile.Snapshot{Branch: "main", Commit: strings.Repeat("b", 40)}}, nil)
			return err
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ghapp.ErrForeignRepo) {
			t.Errorf("%s on other/svc through installation %d: %v, want ErrForeignRepo", name, inst, err)
		}
	}
	// The installation's account is learnt once (as the app); a mismatch
	// asks again, in case the account was renamed.
	for route, n := range gh.Counts().ByRoute {
		if route != getInstallation || n > 2 {
			t.Errorf("%d requests to %s, want only the installation's account (at most twice)", n, route)
		}
	}
	// The installation's own repositories still work, whatever the case.
	own, err := c.Repo("ACME/infra")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := own.Snapshot(ctx); err != nil {
		t.Errorf("snapshot of the installation's own repository: %v", err)
	}
}

// An account renamed since the client learnt its login: the new owner
// name is checked against GitHub again instead of refused.
func TestRepoOfRenamedAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	gh := fakeGitHub(t, map[string]string{"main.tf": "v1\n"})
	c := client(t, gh, ghapp.Config{})
	warm(t, c) // learns "acme"
	gh.SetAccount(inst, "acme-corp")
	r, err := c.Repo("acme-corp/infra")
	if err != nil {
		t.Fatal(err)
	}
	gh.ResetCounts()
	// The fake keeps the repository under its old name, so the snapshot
	// itself fails; the ownership check must not.
	if _, err := r.Snapshot(ctx); errors.Is(err, ghapp.ErrForeignRepo) {
		t.Errorf("snapshot after a rename: %v", err)
	}
	if n := gh.Counts().ByRoute[getInstallation]; n != 1 {
		t.Errorf("installation read %d times, want 1", n)
	}
	if login, err := c.Account(ctx); err != nil || login != "acme-corp" {
		t.Errorf("Account = %q, %v; want the new login", login, err)
	}
}
