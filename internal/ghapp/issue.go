package ghapp

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
)

// issueMarker is hidden in the body of an issue the bot keeps, after the
// kind of issue, so the bot finds its own issue again whatever its title
// became and never mistakes a person's issue for it.
const issueMarker = "<!-- bumpbot-issue: "

// KeepIssue opens the bot's issue of the given kind, or brings it up to
// date (title and body) when it is open already: one issue, kept current,
// never a second. It returns the issue's number.
func (r *Repo) KeepIssue(ctx context.Context, kind, title, body string) (int, error) {
	if err := r.owned(ctx); err != nil {
		return 0, err
	}
	body = markedBody(kind, body)
	open, err := r.findIssue(ctx, kind)
	if err != nil {
		return 0, err
	}
	if open != nil {
		if open.GetBody() == body && open.GetTitle() == title {
			return open.GetNumber(), nil
		}
		_, _, err := r.c.gh.Issues.Edit(ctx, r.owner, r.name, open.GetNumber(), &github.IssueRequest{Title: &title, Body: &body})
		if err != nil {
			return 0, fmt.Errorf("update issue #%d in %s: %w", open.GetNumber(), r.FullName(), err)
		}
		return open.GetNumber(), nil
	}
	is, _, err := r.c.gh.Issues.Create(ctx, r.owner, r.name, &github.IssueRequest{Title: &title, Body: &body})
	if err != nil {
		return 0, fmt.Errorf("open issue in %s: %w", r.FullName(), err)
	}
	return is.GetNumber(), nil
}

// markedBody is an issue's body with the hidden marker of its kind.
func markedBody(kind, body string) string {
	return strings.TrimRight(body, "\n") + "\n\n" + issueMarker + kind + " -->\n"
}

// CloseIssue closes the bot's open issue of the given kind, if any, after
// a comment saying why; it reports whether there was one.
func (r *Repo) CloseIssue(ctx context.Context, kind, comment string) (bool, error) {
	if err := r.owned(ctx); err != nil {
		return false, err
	}
	open, err := r.findIssue(ctx, kind)
	if err != nil || open == nil {
		return false, err
	}
	if err := r.Comment(ctx, open.GetNumber(), comment); err != nil {
		return false, err
	}
	closed := "closed"
	if _, _, err := r.c.gh.Issues.Edit(ctx, r.owner, r.name, open.GetNumber(), &github.IssueRequest{State: &closed}); err != nil {
		return false, fmt.Errorf("close issue #%d in %s: %w", open.GetNumber(), r.FullName(), err)
	}
	return true, nil
}

// findIssue returns the bot's open issue of a kind, or nil.
func (r *Repo) findIssue(ctx context.Context, kind string) (*github.Issue, error) {
	opts := &github.IssueListByRepoOptions{State: "open", ListOptions: github.ListOptions{PerPage: 100}}
	for {
		issues, resp, err := r.c.gh.Issues.ListByRepo(ctx, r.owner, r.name, opts)
		if err != nil {
			return nil, fmt.Errorf("list issues of %s: %w", r.FullName(), err)
		}
		for _, is := range issues {
			if !is.IsPullRequest() && strings.Contains(is.GetBody(), issueMarker+kind+" -->") {
				return is, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
}
