package ghapp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/bumpbot/bumpbot/internal/reconcile"
)

// Repo is one repository seen through an installation client. It
// implements reconcile.Forge.
type Repo struct {
	c           *Client
	owner, name string
	cache       *repoCache
}

var _ reconcile.Forge = (*Repo)(nil)

// Repo returns the forge of repository fullName ("owner/name").
func (c *Client) Repo(fullName string) (*Repo, error) {
	owner, name, ok := strings.Cut(fullName, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("ghapp: repository %q is not owner/name", fullName)
	}
	return &Repo{c: c, owner: owner, name: name, cache: c.cache(fullName)}, nil
}

// FullName returns "owner/name".
func (r *Repo) FullName() string { return r.owner + "/" + r.name }

// Snapshot reads the default branch: the repository (for the branch name),
// the branch head (commit and tree SHA) and, only when the tree changed
// since the last snapshot, the recursive tree. On an unchanged repository
// the first two answer 304 and cost no rate limit.
func (r *Repo) Snapshot(ctx context.Context) (reconcile.Snapshot, error) {
	gh := r.c.gh
	repo, _, err := gh.Repositories.Get(ctx, r.owner, r.name)
	if err != nil {
		return reconcile.Snapshot{}, fmt.Errorf("get repository %s: %w", r.FullName(), err)
	}
	branch := repo.GetDefaultBranch()
	b, _, err := gh.Repositories.GetBranch(ctx, r.owner, r.name, branch, 1)
	if err != nil {
		return reconcile.Snapshot{}, fmt.Errorf("get branch %s of %s: %w", branch, r.FullName(), err)
	}
	snap := reconcile.Snapshot{
		Branch: branch,
		Commit: b.GetCommit().GetSHA(),
		Tree:   b.GetCommit().GetCommit().GetTree().GetSHA(),
	}
	if snap.Commit == "" || snap.Tree == "" {
		return reconcile.Snapshot{}, fmt.Errorf("get branch %s of %s: answer has no commit or tree SHA", branch, r.FullName())
	}
	r.c.mu.Lock()
	cachedTree, cached := r.cache.tree, r.cache.entries
	r.c.mu.Unlock()
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
			r.c.mu.Lock()
			r.cache.tree, r.cache.entries = snap.Tree, cached
			r.c.mu.Unlock()
		}
	}
	for _, e := range cached {
		snap.Entries = append(snap.Entries, reconcile.Entry{Path: e.path, SHA: e.sha, Mode: e.mode, Size: e.size})
	}
	return snap, nil
}

// ReadFile fetches a blob's raw bytes. Blobs are immutable and the
// reconcile keeps its own cache by SHA, so the response is not stored in
// the HTTP cache too.
func (r *Repo) ReadFile(ctx context.Context, e reconcile.Entry) ([]byte, error) {
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

// OpenChanges lists the open pull requests whose head is a bot branch of
// this repository (forks excluded). One conditional request per page.
func (r *Repo) OpenChanges(ctx context.Context) ([]reconcile.OpenChange, error) {
	var out []reconcile.OpenChange
	opts := &github.PullRequestListOptions{State: "open", ListOptions: github.ListOptions{PerPage: 100}}
	for {
		pulls, resp, err := r.c.gh.PullRequests.List(ctx, r.owner, r.name, opts)
		if err != nil {
			return nil, fmt.Errorf("list pull requests of %s: %w", r.FullName(), err)
		}
		for _, p := range pulls {
			head := p.GetHead()
			if !strings.HasPrefix(head.GetRef(), reconcile.BranchPrefix) ||
				(head.GetRepo() != nil && !strings.EqualFold(head.GetRepo().GetFullName(), r.FullName())) ||
				!strings.EqualFold(strings.Split(head.GetLabel()+":", ":")[0], r.owner) {
				continue
			}
			out = append(out, reconcile.OpenChange{
				Number: p.GetNumber(), Branch: head.GetRef(), Title: p.GetTitle(), Body: p.GetBody(), URL: p.GetHTMLURL(),
			})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// isUnprocessable reports a 422 answer, GitHub's "already exists" and
// "not a fast forward".
func isUnprocessable(err error) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusUnprocessableEntity
}
