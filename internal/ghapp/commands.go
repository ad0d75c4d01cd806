package ghapp

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/bumpbot/bumpbot/internal/reconcile"
)

// Slug returns the app's slug as GitHub reports it (GET /app, as the
// app, once): comments address the app as "@<slug>", and its commits
// and comments are made by "<slug>[bot]".
func (a *App) Slug(ctx context.Context) (string, error) {
	a.slugMu.Lock()
	defer a.slugMu.Unlock()
	if a.slug != "" {
		return a.slug, nil
	}
	if a.slug = a.fact(factSlug); a.slug != "" {
		return a.slug, nil
	}
	app, _, err := a.gh.Apps.Get(ctx, "")
	if err != nil {
		return "", fmt.Errorf("ghapp: get the app: %w", err)
	}
	if app.GetSlug() == "" {
		return "", errors.New("ghapp: GitHub named no slug for the app")
	}
	a.slug = app.GetSlug()
	a.setFact(factSlug, a.slug)
	return a.slug, nil
}

// Permission returns user's permission on the repository as GitHub names
// it: admin, write, read or none (maintain counts as write, triage as
// read, in this legacy field).
func (r *Repo) Permission(ctx context.Context, user string) (string, error) {
	if err := r.owned(ctx); err != nil {
		return "", err
	}
	p, _, err := r.c.gh.Repositories.GetPermissionLevel(ctx, r.owner, r.name, user)
	if isNotFound(err) {
		return "none", nil
	}
	if err != nil {
		return "", fmt.Errorf("permission of %s on %s: %w", user, r.FullName(), err)
	}
	return p.GetPermission(), nil
}

// React puts a reaction ("+1") on an issue or pull request comment; a
// second identical reaction is a no-op on GitHub's side.
func (r *Repo) React(ctx context.Context, commentID int64, content string) error {
	if err := r.owned(ctx); err != nil {
		return err
	}
	if _, _, err := r.c.gh.Reactions.CreateIssueCommentReaction(ctx, r.owner, r.name, commentID, content); err != nil {
		return fmt.Errorf("react to comment %d in %s: %w", commentID, r.FullName(), err)
	}
	return nil
}

// Pull returns pull request number as the reconcile sees a change, and
// whether it is one of the bot's (head on a bot branch of this
// repository).
func (r *Repo) Pull(ctx context.Context, number int) (reconcile.OpenChange, bool, error) {
	if err := r.owned(ctx); err != nil {
		return reconcile.OpenChange{}, false, err
	}
	p, _, err := r.c.gh.PullRequests.Get(ctx, r.owner, r.name, number)
	if isNotFound(err) {
		return reconcile.OpenChange{}, false, nil
	}
	if err != nil {
		return reconcile.OpenChange{}, false, fmt.Errorf("get pull request #%d of %s: %w", number, r.FullName(), err)
	}
	head := p.GetHead()
	ours := strings.HasPrefix(head.GetRef(), reconcile.BranchPrefix) &&
		strings.EqualFold(strings.Split(head.GetLabel()+":", ":")[0], r.owner)
	return reconcile.OpenChange{
		Number: p.GetNumber(), Branch: head.GetRef(), Title: p.GetTitle(), Body: p.GetBody(), URL: p.GetHTMLURL(),
		Closed: p.GetState() != "open",
	}, ours, nil
}

// ClosePull says why in a comment (once), closes pull request number
// (with a new body, unless "") and deletes its branch when the bot's
// commit is still its tip: a branch a person pushed to is theirs to
// delete.
func (r *Repo) ClosePull(ctx context.Context, number int, branch, comment, body string) error {
	if err := r.Comment(ctx, number, comment); err != nil {
		return err
	}
	edit := &github.PullRequest{State: github.String("closed")}
	if body != "" {
		edit.Body = &body
	}
	if _, _, err := r.c.gh.PullRequests.Edit(ctx, r.owner, r.name, number, edit); err != nil {
		return fmt.Errorf("close pull request #%d of %s: %w", number, r.FullName(), err)
	}
	if _, err := r.DeleteBranch(ctx, branch); err != nil && !errors.Is(err, reconcile.ErrRefusedBranch) {
		return err
	}
	return nil
}

// DeleteBranch deletes a bot branch whose tip is the bot's commit and
// reports whether it did; a branch outside reconcile.BranchPrefix, or
// holding a person's commit, is refused (an error wrapping
// reconcile.ErrRefusedBranch), a branch already gone is no error.
func (r *Repo) DeleteBranch(ctx context.Context, branch string) (bool, error) {
	if err := reconcile.CheckBranch(branch, ""); err != nil {
		return false, err
	}
	if err := r.owned(ctx); err != nil {
		return false, err
	}
	ref := "refs/heads/" + branch
	if exists, err := r.ownTip(ctx, ref); err != nil || !exists {
		return false, err
	}
	_, err := r.c.gh.Git.DeleteRef(ctx, r.owner, r.name, ref)
	if isNotFound(err) || isUnprocessable(err) {
		return false, nil // gone meanwhile
	}
	if err != nil {
		return false, fmt.Errorf("delete %s of %s: %w", ref, r.FullName(), err)
	}
	return true, nil
}
