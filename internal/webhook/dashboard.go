package webhook

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/bumpbot/bumpbot/internal/dashboard"
	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/repostate"
)

// DashboardStore keeps edits of dashboard issues until the repository's
// reconcile carries them out (internal/repostate).
type DashboardStore interface {
	AddDashboardEdit(ctx context.Context, installation int64, repo string, e repostate.DashboardEdit) error
}

// WithDashboard makes the handler take edits of dashboard issues: an
// issues event (edited, its body changed, by a person) on an issue that
// carries the dashboard's marker is stored in store, then the
// repository's reconcile is queued, which acts on the boxes ticked (or
// undoes the edit). The bot's own edits (the sender is a Bot) are
// ignored, so its rewrite of the body does not come back as work.
func WithDashboard(store DashboardStore) Option {
	return func(h *Handler) error {
		if store == nil {
			return errors.New("webhook: the dashboard needs a store")
		}
		h.dashboard = store
		return nil
	}
}

// dashboardEdit returns the reconcile an issues event asks for, storing
// the edit first.
func (h *Handler) dashboardEdit(ctx context.Context, e *github.IssuesEvent) ([]jobs.ReconcileArgs, error) {
	inst, repo, is := e.GetInstallation().GetID(), e.GetRepo().GetFullName(), e.GetIssue()
	if h.dashboard == nil || e.GetAction() != "edited" || e.GetChanges().GetBody() == nil || inst == 0 || repo == "" ||
		is.GetNumber() == 0 || is.IsPullRequest() || e.GetSender().GetType() == "Bot" || e.GetSender().GetLogin() == "" ||
		!dashboard.Is(is.GetBody()) && !dashboard.Is(e.GetChanges().GetBody().GetFrom()) {
		return nil, nil
	}
	err := h.dashboard.AddDashboardEdit(ctx, inst, repo, repostate.DashboardEdit{
		Number: is.GetNumber(), Author: e.GetSender().GetLogin(), Body: is.GetBody(),
		EditedAt: is.GetUpdatedAt().Time, ReceivedAt: time.Now(),
	})
	if err != nil {
		return nil, fmt.Errorf("store dashboard edit: %w", err)
	}
	return []jobs.ReconcileArgs{{InstallationID: inst, Repo: repo, DefaultBranch: e.GetRepo().GetDefaultBranch()}}, nil
}
