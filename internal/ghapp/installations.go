package ghapp

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/go-github/v60/github"
)

// InstalledRepo is a repository an installation of the app may access.
type InstalledRepo struct {
	Installation  int64
	FullName      string // owner/name
	DefaultBranch string
}

// listPage is the page size of the listings: GitHub's largest, so 1,000
// repositories cost 10 requests.
const listPage = 100

// Installations lists the app's installations (authenticated as the app,
// every page) and returns their ids. Suspended installations are left out:
// GitHub refuses them a token, so nothing could be done there.
func (a *App) Installations(ctx context.Context) ([]int64, error) {
	ins, err := a.installations(ctx)
	ids := make([]int64, len(ins))
	for i, in := range ins {
		ids[i] = in.GetID()
	}
	return ids, err
}

// installations is Installations with GitHub's description of each.
func (a *App) installations(ctx context.Context) ([]*github.Installation, error) {
	var out []*github.Installation
	opts := &github.ListOptions{PerPage: listPage}
	err := allPages(opts, func() (*github.Response, error) {
		page, resp, err := a.gh.Apps.ListInstallations(ctx, opts)
		for _, in := range page {
			if in.SuspendedAt == nil && in.GetID() > 0 {
				out = append(out, in)
			}
		}
		return resp, err
	})
	if err != nil {
		return nil, fmt.Errorf("list installations: %w", err)
	}
	return out, nil
}

// Repositories lists the repositories the installation may access, every
// page. Archived repositories are left out: they are read-only, so a bump
// could not be pushed. Each default branch is remembered, as if a webhook
// had named it, so a reconcile run soon after reads the branch at once.
// The pages go through the ETag cache: an unchanged listing is free.
func (c *Client) Repositories(ctx context.Context) ([]InstalledRepo, error) {
	var out []InstalledRepo
	opts := &github.ListOptions{PerPage: listPage}
	err := allPages(opts, func() (*github.Response, error) {
		page, resp, err := c.gh.Apps.ListRepos(ctx, opts)
		if err != nil {
			return resp, err
		}
		for _, r := range page.Repositories {
			if r.GetArchived() || r.GetFullName() == "" {
				continue
			}
			c.RememberDefaultBranch(r.GetFullName(), r.GetDefaultBranch())
			out = append(out, InstalledRepo{Installation: c.installation, FullName: r.GetFullName(), DefaultBranch: r.GetDefaultBranch()})
		}
		return resp, err
	})
	if err != nil {
		return nil, fmt.Errorf("installation %d: list repositories: %w", c.installation, err)
	}
	return out, nil
}

// allPages calls list for page 1, 2… of opts until GitHub's Link header
// names no next page, or list fails.
func allPages(opts *github.ListOptions, list func() (*github.Response, error)) error {
	for {
		resp, err := list()
		if err != nil {
			return err
		}
		if resp.NextPage == 0 {
			return nil
		}
		opts.Page = resp.NextPage
	}
}

// InstalledRepos lists the repositories of every installation. An
// installation whose repositories cannot be listed (uninstalled or
// suspended since the first listing, a transient error) does not stop the
// others: repos holds what was listed and err joins the failures. A
// failure to list the installations returns no repos.
func (a *App) InstalledRepos(ctx context.Context) (repos []InstalledRepo, err error) {
	ins, err := a.installations(ctx)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, in := range ins {
		c, err := a.Client(in.GetID())
		if err == nil {
			// The listing names each account: its repositories' forges
			// need no request to check their owner.
			c.setAccount(in.GetAccount().GetLogin())
			var rs []InstalledRepo
			rs, err = c.Repositories(ctx)
			repos = append(repos, rs...)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return repos, errors.Join(errs...)
}
