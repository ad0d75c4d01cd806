package webhook

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/repostate"
)

// CommandStore keeps comment commands until the repository's reconcile
// carries them out (internal/repostate).
type CommandStore interface {
	AddCommand(ctx context.Context, installation int64, repo string, c repostate.Command) error
}

// WithCommands makes the handler take comment commands: an issue_comment
// (created) on a pull request whose first word is "@"+slug is stored in
// store, then the repository's reconcile is queued, which carries it
// out. The comment's id keys the stored command, so a redelivery adds
// nothing and a crash between the two steps loses nothing (GitHub
// redelivers what was not acknowledged). slug is asked lazily (GET /app).
func WithCommands(store CommandStore, slug func(context.Context) (string, error)) Option {
	return func(h *Handler) error {
		if store == nil || slug == nil {
			return errors.New("webhook: commands need a store and the app's slug")
		}
		h.commands, h.slug = store, slug
		return nil
	}
}

// requests returns the reconciles an event asks for, storing the command
// a comment carries first.
func (h *Handler) requests(ctx context.Context, event any) ([]jobs.ReconcileArgs, error) {
	if e, ok := event.(*github.IssuesEvent); ok {
		return h.dashboardEdit(ctx, e)
	}
	e, ok := event.(*github.IssueCommentEvent)
	if !ok {
		return targets(event), nil
	}
	inst, repo := e.GetInstallation().GetID(), e.GetRepo().GetFullName()
	body := e.GetComment().GetBody()
	if h.commands == nil || e.GetAction() != "created" || !e.GetIssue().IsPullRequest() || inst == 0 || repo == "" ||
		e.GetComment().GetID() == 0 || !strings.HasPrefix(strings.TrimSpace(body), "@") ||
		e.GetComment().GetUser().GetType() == "Bot" {
		return nil, nil
	}
	slug, err := h.slug(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, addressed := reconcile.ParseCommand(slug, body); !addressed {
		return nil, nil
	}
	err = h.commands.AddCommand(ctx, inst, repo, repostate.Command{
		CommentID: e.GetComment().GetID(), Number: e.GetIssue().GetNumber(), Author: e.GetComment().GetUser().GetLogin(),
		Body: body, ReceivedAt: e.GetComment().GetCreatedAt().Time,
	})
	if err != nil {
		return nil, fmt.Errorf("store command: %w", err)
	}
	return []jobs.ReconcileArgs{{InstallationID: inst, Repo: repo, DefaultBranch: e.GetRepo().GetDefaultBranch()}}, nil
}
