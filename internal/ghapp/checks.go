package ghapp

import (
	"context"
	"fmt"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/bumpbot/bumpbot/internal/reconcile"
)

// PullHead is an open pull request as a check of its head needs it.
type PullHead struct {
	Number  int
	HeadSHA string
}

// PullHeads lists the repository's open pull requests, anyone's, (one conditional
// request per page of 100).
func (r *Repo) PullHeads(ctx context.Context) ([]PullHead, error) {
	if err := r.owned(ctx); err != nil {
		return nil, err
	}
	var out []PullHead
	opts := &github.PullRequestListOptions{State: "open", ListOptions: github.ListOptions{PerPage: listPage}}
	err := allPages(&opts.ListOptions, func() (*github.Response, error) {
		pulls, resp, err := r.c.gh.PullRequests.List(ctx, r.owner, r.name, opts)
		for _, p := range pulls {
			out = append(out, PullHead{Number: p.GetNumber(), HeadSHA: p.GetHead().GetSHA()})
		}
		return resp, err
	})
	if err != nil {
		return nil, fmt.Errorf("list open pull requests of %s: %w", r.FullName(), err)
	}
	return out, nil
}

// PullFile is a file a pull request changes.
type PullFile struct {
	Path string
	// Status is added, removed, modified, renamed, copied or changed.
	Status string
	// SHA is the file's blob at the head (for a removed file, the one
	// it had).
	SHA string
	// Patch holds the file's hunks; HasPatch is false when GitHub does
	// not show them (a binary or too large diff).
	Patch    string
	HasPatch bool
}

// PullFiles lists the files pull request number changes, with their
// patches (GitHub lists at most 3,000).
func (r *Repo) PullFiles(ctx context.Context, number int) ([]PullFile, error) {
	if err := r.owned(ctx); err != nil {
		return nil, err
	}
	var out []PullFile
	opts := &github.ListOptions{PerPage: listPage}
	err := allPages(opts, func() (*github.Response, error) {
		files, resp, err := r.c.gh.PullRequests.ListFiles(ctx, r.owner, r.name, number, opts)
		for _, f := range files {
			out = append(out, PullFile{Path: f.GetFilename(), Status: f.GetStatus(), SHA: f.GetSHA(), Patch: f.GetPatch(), HasPatch: f.Patch != nil})
		}
		return resp, err
	})
	if err != nil {
		return nil, fmt.Errorf("list the files of pull request #%d of %s: %w", number, r.FullName(), err)
	}
	return out, nil
}

// TreeAt lists the files of commit sha (one request for the recursive
// tree); truncated reports a tree GitHub could not list whole.
func (r *Repo) TreeAt(ctx context.Context, sha string) (entries []reconcile.Entry, truncated bool, err error) {
	if err := r.owned(ctx); err != nil {
		return nil, false, err
	}
	tree, _, err := r.c.gh.Git.GetTree(ctx, r.owner, r.name, sha, true)
	if err != nil {
		return nil, false, fmt.Errorf("get tree of %s in %s: %w", sha, r.FullName(), err)
	}
	for _, e := range tree.Entries {
		if e.GetType() == "blob" {
			entries = append(entries, reconcile.Entry{Path: e.GetPath(), SHA: e.GetSHA(), Mode: e.GetMode(), Size: int64(e.GetSize())})
		}
	}
	return entries, tree.GetTruncated(), nil
}

// CheckRun is a completed check run: its conclusion and output.
type CheckRun struct {
	Name       string
	HeadSHA    string
	ExternalID string
	Conclusion string
	Title      string
	Summary    string
	// Annotations are sent 50 a request, as GitHub takes them.
	Annotations []*github.CheckRunAnnotation
}

// maxAnnotations is how many annotations GitHub takes in one request.
const maxAnnotations = 50

// FindCheckRun returns the external id of the app's newest check run
// named name on commit sha; found is false when there is none.
func (r *Repo) FindCheckRun(ctx context.Context, sha, name string) (externalID string, found bool, err error) {
	if err := r.owned(ctx); err != nil {
		return "", false, err
	}
	opts := &github.ListCheckRunsOptions{CheckName: &name, ListOptions: github.ListOptions{PerPage: listPage}}
	if r.c.owner != nil {
		opts.AppID = &r.c.owner.cfg.AppID
	}
	res, _, err := r.c.gh.Checks.ListCheckRunsForRef(ctx, r.owner, r.name, sha, opts)
	if err != nil {
		return "", false, fmt.Errorf("list check runs of %s in %s: %w", sha, r.FullName(), err)
	}
	for _, c := range res.CheckRuns {
		// The newest first, as GitHub lists them.
		return c.GetExternalID(), true, nil
	}
	return "", false, nil
}

// CreateCheckRun creates run, completed. Annotations beyond the first 50
// follow in updates, which GitHub appends to the run's. A run is never
// rewritten: a new verdict on the same commit is a new run, which GitHub
// shows in place of the older one of the same name (an update would keep
// the old run's annotations).
func (r *Repo) CreateCheckRun(ctx context.Context, run CheckRun) error {
	if err := r.owned(ctx); err != nil {
		return err
	}
	first := run.Annotations[:min(len(run.Annotations), maxAnnotations)]
	output := func(as []*github.CheckRunAnnotation) *github.CheckRunOutput {
		return &github.CheckRunOutput{Title: &run.Title, Summary: &run.Summary, Annotations: as}
	}
	completed := "completed"
	c, _, err := r.c.gh.Checks.CreateCheckRun(ctx, r.owner, r.name, github.CreateCheckRunOptions{
		Name: run.Name, HeadSHA: run.HeadSHA, ExternalID: &run.ExternalID, Status: &completed,
		Conclusion: &run.Conclusion, CompletedAt: &github.Timestamp{Time: time.Now()}, Output: output(first),
	})
	if err != nil {
		return fmt.Errorf("create check run %s on %s in %s: %w", run.Name, run.HeadSHA, r.FullName(), err)
	}
	for rest := run.Annotations[len(first):]; len(rest) > 0; rest = rest[min(len(rest), maxAnnotations):] {
		_, _, err := r.c.gh.Checks.UpdateCheckRun(ctx, r.owner, r.name, c.GetID(), github.UpdateCheckRunOptions{
			Name: run.Name, Output: output(rest[:min(len(rest), maxAnnotations)]),
		})
		if err != nil {
			return fmt.Errorf("annotate check run %d in %s: %w", c.GetID(), r.FullName(), err)
		}
	}
	return nil
}
