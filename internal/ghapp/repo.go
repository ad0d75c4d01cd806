package ghapp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/bumpbot/bumpbot/internal/reconcile"
)

// Repo is one repository seen through an installation client. It
// implements reconcile.Forge.
type Repo struct {
	c           *Client
	owner, name string
	cache       *repoCache
	// checked: the owner is the installation's account; refused: it is
	// not. Both under c.mu.
	checked bool
	refused error
}

var _ reconcile.Forge = (*Repo)(nil)

// Repo returns the forge of repository fullName ("owner/name"). A name
// GitHub would not have given is refused here (ErrBadName), before any
// request; a repository of another account than the installation's is
// refused (ErrForeignRepo) by the forge's first call, before any request
// to the repository.
func (c *Client) Repo(fullName string) (*Repo, error) {
	owner, name, err := splitRepoName(fullName)
	if err != nil {
		return nil, err
	}
	return &Repo{c: c, owner: owner, name: name, cache: c.cache(fullName)}, nil
}

// FullName returns "owner/name".
func (r *Repo) FullName() string { return r.owner + "/" + r.name }

// defaultBranchTTL is how long a default branch name GitHub gave is
// trusted before the repository is read again (revalidated with its ETag,
// so an unchanged repository costs nothing). A renamed branch is noticed
// at once (GitHub redirects or answers 404); only a switch to another
// existing branch waits this long.
const defaultBranchTTL = time.Hour

// Snapshot reads the default branch: its head (commit and tree SHA, one
// request once the branch name is known) and, only when the tree changed
// since the last snapshot, the recursive tree. On an unchanged repository
// the head answers 304 and costs no rate limit.
func (r *Repo) Snapshot(ctx context.Context) (reconcile.Snapshot, error) {
	if err := r.owned(ctx); err != nil {
		return reconcile.Snapshot{}, err
	}
	gh := r.c.gh
	snap, err := r.head(ctx)
	if err != nil {
		return reconcile.Snapshot{}, err
	}
	snap.WebURL = r.WebURL()
	r.cache.mu.Lock()
	cachedTree, cached := r.cache.tree, r.cache.entries
	r.cache.mu.Unlock()
	if cachedTree != snap.Tree {
		tree, _, err := gh.Git.GetTree(ctx, r.owner, r.name, snap.Tree, true)
		if err != nil {
			return reconcile.Snapshot{}, fmt.Errorf("get tree %s of %s: %w", snap.Tree, r.FullName(), err)
		}
		cached = nil
		for _, e := range tree.Entries {
			if e.GetType() != "blob" {
				continue
			}
			cached = append(cached, treeItem{path: e.GetPath(), sha: e.GetSHA(), mode: e.GetMode(), size: int64(e.GetSize())})
		}
		snap.Truncated = tree.GetTruncated()
		if !snap.Truncated {
			r.cache.mu.Lock()
			r.cache.tree, r.cache.entries = snap.Tree, cached
			r.cache.mu.Unlock()
			r.c.recost(r.FullName(), r.cache)
		}
	}
	for _, e := range cached {
		snap.Entries = append(snap.Entries, reconcile.Entry{Path: e.path, SHA: e.sha, Mode: e.mode, Size: e.size})
	}
	return snap, nil
}

// head returns the default branch's name, head commit and root tree. The
// commit, the tree and the name come from one answer, so the commit a
// change is built on is the head whose tree was read.
func (r *Repo) head(ctx context.Context) (reconcile.Snapshot, error) {
	r.cache.mu.Lock()
	branch, seen := r.cache.branch, r.cache.branchSeen
	r.cache.mu.Unlock()
	if branch != "" && time.Since(seen) < defaultBranchTTL {
		snap, err := r.branchHead(ctx, branch)
		if !errors.Is(err, errNoBranch) {
			return snap, err
		}
		// The branch is gone (renamed without a redirect, or deleted):
		// ask the repository for its default branch again.
	}
	repo, _, err := r.c.gh.Repositories.Get(ctx, r.owner, r.name)
	if err != nil {
		return reconcile.Snapshot{}, fmt.Errorf("get repository %s: %w", r.FullName(), err)
	}
	if repo.GetDefaultBranch() == "" {
		return reconcile.Snapshot{}, fmt.Errorf("get repository %s: answer has no default branch", r.FullName())
	}
	r.c.RememberDefaultBranch(r.FullName(), repo.GetDefaultBranch())
	return r.branchHead(ctx, repo.GetDefaultBranch())
}

// errNoBranch marks a branch GitHub answers 404 for.
var errNoBranch = errors.New("no such branch")

// branchHead reads one branch. GitHub redirects a renamed branch to its
// new name; the answer's name is kept so later reads go straight there.
func (r *Repo) branchHead(ctx context.Context, branch string) (reconcile.Snapshot, error) {
	b, resp, err := r.c.gh.Repositories.GetBranch(ctx, r.owner, r.name, branch, 1)
	if err != nil && resp != nil && resp.StatusCode == http.StatusNotFound {
		// GetBranch reports a status as a plain error, not an
		// ErrorResponse: mark the 404 for head.
		err = errNoBranch
	}
	if err != nil {
		return reconcile.Snapshot{}, fmt.Errorf("get branch %s of %s: %w", branch, r.FullName(), err)
	}
	snap := reconcile.Snapshot{
		Branch: b.GetName(),
		Commit: b.GetCommit().GetSHA(),
		Tree:   b.GetCommit().GetCommit().GetTree().GetSHA(),
	}
	if snap.Branch == "" || snap.Commit == "" || snap.Tree == "" {
		return reconcile.Snapshot{}, fmt.Errorf("get branch %s of %s: answer has no name, commit or tree SHA", branch, r.FullName())
	}
	if snap.Branch != branch {
		r.c.RememberDefaultBranch(r.FullName(), snap.Branch)
	}
	return snap, nil
}

// ReadFile fetches a blob's raw bytes. Blobs are immutable and the
// reconcile keeps its own cache by SHA, so the response is not stored in
// the HTTP cache too.
func (r *Repo) ReadFile(ctx context.Context, e reconcile.Entry) ([]byte, error) {
	if err := r.owned(ctx); err != nil {
		return nil, err
	}
	req, err := r.c.gh.NewRequest(http.MethodGet, fmt.Sprintf("repos/%s/%s/git/blobs/%s", r.owner, r.name, e.SHA), nil)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", e.Path, err)
	}
	req.Header.Set("Accept", "application/vnd.github.raw")
	req.Header.Set("Cache-Control", "no-store")
	var buf bytes.Buffer
	if _, err := r.c.gh.Do(ctx, req, &buf); err != nil {
		return nil, fmt.Errorf("read %s (blob %s) of %s: %w", e.Path, e.SHA, r.FullName(), err)
	}
	return buf.Bytes(), nil
}

// OpenChanges lists the pull requests whose head is a bot branch of this
// repository (forks excluded), open, closed or merged (marked Merged):
// one listing of every state, so a maintainer's close is seen without
// another request. One conditional
// request per page.
func (r *Repo) OpenChanges(ctx context.Context) ([]reconcile.OpenChange, error) {
	if err := r.owned(ctx); err != nil {
		return nil, err
	}
	var out []reconcile.OpenChange
	opts := &github.PullRequestListOptions{State: "all", ListOptions: github.ListOptions{PerPage: listPage}}
	err := allPages(&opts.ListOptions, func() (*github.Response, error) {
		pulls, resp, err := r.c.gh.PullRequests.List(ctx, r.owner, r.name, opts)
		for _, p := range pulls {
			head := p.GetHead()
			if !r.botHead(head) {
				continue
			}
			out = append(out, reconcile.OpenChange{
				Number: p.GetNumber(), Branch: head.GetRef(), Title: p.GetTitle(), Body: p.GetBody(), URL: p.GetHTMLURL(),
				Closed: p.GetState() != "open", Merged: p.MergedAt != nil, Head: head.GetSHA(),
			})
		}
		return resp, err
	})
	if err != nil {
		return nil, fmt.Errorf("list pull requests of %s: %w", r.FullName(), err)
	}
	return out, nil
}

// botHead reports whether a pull request's head is a bot branch of this
// repository (not of a fork).
func (r *Repo) botHead(head *github.PullRequestBranch) bool {
	return strings.HasPrefix(head.GetRef(), reconcile.BranchPrefix) &&
		(head.GetRepo() == nil || strings.EqualFold(head.GetRepo().GetFullName(), r.FullName())) &&
		strings.EqualFold(strings.Split(head.GetLabel()+":", ":")[0], r.owner)
}

// isUnprocessable reports a 422 answer, GitHub's "already exists" and
// "not a fast forward".
func isUnprocessable(err error) bool { return hasStatus(err, http.StatusUnprocessableEntity) }

// isNotFound reports a 404 answer.
func isNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

func hasStatus(err error, code int) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == code
}

// WebURL is where people browse the repository: github.com for the public
// API, the server itself for GitHub Enterprise Server (whose API lives
// under /api/v3).
func (r *Repo) WebURL() string { return WebBase(r.c.gh.BaseURL) + "/" + r.FullName() }
