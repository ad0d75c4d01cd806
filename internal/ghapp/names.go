package ghapp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrBadName marks a repository name ("owner/name") that GitHub would
// never have given: it is refused before any request, since the parts
// become API paths ("../app" would reach GET /app with an installation
// token, "infra?per_page=1" would add a query).
var ErrBadName = errors.New("not a GitHub repository name")

// ErrForeignRepo marks a repository whose owner is not the account the
// installation belongs to: an installation token must only act on its own
// account's repositories, whatever a payload names.
var ErrForeignRepo = errors.New("repository does not belong to the installation's account")

// Name limits GitHub enforces on new names.
const (
	maxOwnerLen = 39
	maxRepoLen  = 100
)

// splitRepoName splits fullName into owner and name and checks both
// against GitHub's rules.
func splitRepoName(fullName string) (owner, name string, err error) {
	owner, name, ok := strings.Cut(fullName, "/")
	switch {
	case !ok:
		err = errors.New("not owner/name")
	case !validOwner(owner):
		err = fmt.Errorf("owner %q: want 1 to %d letters, digits, hyphens or underscores, not starting with a hyphen", owner, maxOwnerLen)
	case !validRepo(name):
		err = fmt.Errorf("name %q: want 1 to %d letters, digits, '.', '-' or '_', not \".\" or \"..\"", name, maxRepoLen)
	}
	if err != nil {
		return "", "", fmt.Errorf("ghapp: repository %q: %w: %w", fullName, ErrBadName, err)
	}
	return owner, name, nil
}

// validOwner: GitHub's rule for new accounts is letters, digits and single
// hyphens, none at either end. Accounts older than the rule may hold a
// double or trailing hyphen, and Enterprise Managed Users are named
// "handle_shortcode", so those are accepted: none of them can change an
// API path.
func validOwner(s string) bool {
	if s == "" || len(s) > maxOwnerLen || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// validRepo: letters, digits, '.', '-' and '_', at most 100, and not the
// path segments "." and "..".
func validRepo(s string) bool {
	if s == "" || len(s) > maxRepoLen || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '.' && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// Account returns the login of the account (organization or user) the
// installation belongs to. GitHub is asked once per client, as the app;
// a client made by InstalledRepos knows it from the listing.
func (c *Client) Account(ctx context.Context) (string, error) { return c.account(ctx, false) }

// account returns the login of the account the installation belongs to:
// what a listing of the installations recorded, else GitHub's answer to
// GET /app/installations/{id} (as the app, once per client). refresh asks
// GitHub even when a login is known, for an account renamed since.
func (c *Client) account(ctx context.Context, refresh bool) (string, error) {
	c.mu.Lock()
	login := c.login
	c.mu.Unlock()
	if login == "" && !refresh {
		// Told before a restart; a renamed account is asked again.
		login = c.owner.fact(factAccount(c.installation))
		c.setAccount(login)
	}
	if login != "" && !refresh || c.app == nil {
		// A token client (NewTokenClient) knows its owner and has no app
		// to ask.
		if login == "" {
			return "", errors.New("ghapp: the client's account is unknown")
		}
		return login, nil
	}
	in, resp, err := c.app.Apps.GetInstallation(ctx, c.installation)
	if err != nil && resp != nil && resp.StatusCode == http.StatusNotFound {
		return "", fmt.Errorf("ghapp: installation %d: %w: %w", c.installation, ErrInstallationGone, err)
	}
	if err != nil {
		return "", fmt.Errorf("ghapp: installation %d: get its account: %w", c.installation, err)
	}
	login = in.GetAccount().GetLogin()
	if login == "" {
		return "", fmt.Errorf("ghapp: installation %d: GitHub named no account", c.installation)
	}
	c.setAccount(login)
	c.owner.setFact(factAccount(c.installation), login)
	return login, nil
}

// setAccount records the login GitHub gave for the installation's account.
func (c *Client) setAccount(login string) {
	if login == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.login = login
}

// owned returns nil once the repository's owner is known to be the
// installation's account; every request of a Repo is preceded by it. A
// mismatch asks GitHub again before refusing, in case the account was
// renamed since its login was recorded; the refusal is kept, so a Repo
// asks at most twice.
func (r *Repo) owned(ctx context.Context) error {
	r.c.mu.Lock()
	ok, refused := r.checked, r.refused
	r.c.mu.Unlock()
	if ok || refused != nil {
		return refused
	}
	login, err := r.c.account(ctx, false)
	if err == nil && !strings.EqualFold(login, r.owner) {
		login, err = r.c.account(ctx, true)
	}
	if err != nil {
		return err
	}
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	if !strings.EqualFold(login, r.owner) {
		r.refused = fmt.Errorf("ghapp: repository %s, installation %d of %s: %w", r.FullName(), r.c.installation, login, ErrForeignRepo)
		return r.refused
	}
	r.checked = true
	return nil
}
