package ghapp

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/go-github/v60/github"
)

// KeepIssueAt keeps the bot's issue of a kind whose number the caller
// remembers: it is brought up to date (title and body) and reopened if a
// person closed it, so it keeps its number, its links and its history.
// Without a number, or with one GitHub no longer has (a deleted issue),
// it is KeepIssue: the open issue carrying the kind's marker, else a new
// one. It returns the issue's number.
func (r *Repo) KeepIssueAt(ctx context.Context, kind string, number int, title, body string) (int, error) {
	if number <= 0 {
		return r.KeepIssue(ctx, kind, title, body)
	}
	if err := r.owned(ctx); err != nil {
		return 0, err
	}
	is, _, err := r.c.gh.Issues.Get(ctx, r.owner, r.name, number)
	if isNotFound(err) || hasStatus(err, http.StatusGone) || err == nil && is.IsPullRequest() {
		return r.KeepIssue(ctx, kind, title, body)
	}
	if err != nil {
		return 0, fmt.Errorf("get issue #%d of %s: %w", number, r.FullName(), err)
	}
	body = markedBody(kind, body)
	if is.GetBody() == body && is.GetTitle() == title && is.GetState() == "open" {
		return number, nil
	}
	open := "open"
	if _, _, err := r.c.gh.Issues.Edit(ctx, r.owner, r.name, number, &github.IssueRequest{Title: &title, Body: &body, State: &open}); err != nil {
		return 0, fmt.Errorf("update issue #%d in %s: %w", number, r.FullName(), err)
	}
	return number, nil
}
