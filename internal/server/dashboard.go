package server

import (
	"context"
	"time"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/dashboard"
	"github.com/bumpbot/bumpbot/internal/fleet"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/reconcile"
)

// dashboardRun carries out the edits of a repository's dashboard issue
// before its reconcile, and keeps the issue after it.
//
// The issue's number is kept in the state (kind dashboard.Kind), like the
// configuration issue's. As Renovate does with its Dependency Dashboard,
// an issue a person closed is reopened (same number, no duplicate) while
// the configuration says dashboard: true; dashboard: false (or removing
// the key) has the bot close it with a comment.
type dashboardRun struct {
	// The repository's job, as its comment commands see it.
	commandRun
	// done are the keys of the edits carried out, marked finished once
	// the reconcile went through: a failed one is retried with them.
	done []string
}

// edits reads the pending edits of the dashboard: the boxes ticked by
// someone with write permission (the comment commands' rule) are
// carried out, ignores removed at once and updates forced on rec; any
// other edit is only undone, by the rewrite after the reconcile.
func (d *dashboardRun) edits(ctx context.Context, rec *reconcile.Reconciler) error {
	pending, err := d.state.PendingDashboardEdits(ctx, d.inst, d.name)
	if err != nil || len(pending) == 0 {
		return err
	}
	number, err := d.state.Issue(ctx, d.inst, d.name, dashboard.Kind)
	if err != nil {
		return err
	}
	slug, err := d.app.Slug(ctx)
	if err != nil {
		return err
	}
	for _, e := range pending {
		d.done = append(d.done, e.Key)
		log := d.log.With("number", e.Number, "author", e.Author)
		if number == 0 || e.Number != number || e.Author == slug+"[bot]" {
			continue // not the dashboard the bot keeps, or its own edit
		}
		perm, err := d.repo.Permission(ctx, e.Author)
		if err != nil {
			return err
		}
		if !mayCommand[perm] {
			log.Info("dashboard edit undone: no write permission", "permission", perm)
			continue
		}
		open, unignore := dashboard.Ticked(e.Body)
		for _, layer := range unignore {
			if _, err := d.state.RemoveIgnores(ctx, d.inst, d.name, layer); err != nil {
				return err
			}
		}
		if len(open) > 0 && rec.Force == nil {
			rec.Force = map[string]bool{}
		}
		for _, b := range open {
			rec.Force[b] = true
		}
		log.Info("dashboard edit carried out", "open", open, "unignore", unignore)
	}
	return nil
}

// finish marks the edits carried out.
func (d *dashboardRun) finish(ctx context.Context) error {
	for _, k := range d.done {
		if err := d.state.FinishDashboardEdit(ctx, d.inst, d.name, k); err != nil {
			return err
		}
	}
	return nil
}

// keep brings the dashboard issue up to date after a reconcile that
// planned, or closes it when the configuration no longer asks for one.
func (d *dashboardRun) keep(ctx context.Context, res reconcile.Result, ignores []reconcile.Ignore, pol func(context.Context) (*policy.Policy, error)) error {
	number, err := d.state.Issue(ctx, d.inst, d.name, dashboard.Kind)
	if err != nil {
		return err
	}
	if !res.Config.Dashboard {
		if number == 0 {
			return nil
		}
		if _, err := d.repo.CloseIssue(ctx, dashboard.Kind, "`dashboard` is no longer `true` in `"+config.RepoPath+"`: this dashboard is not kept any more. Closing."); err != nil {
			return err
		}
		return d.state.SetIssue(ctx, d.inst, d.name, dashboard.Kind, 0)
	}
	p, err := pol(ctx)
	if err != nil {
		return err
	}
	pins := fleet.FromReport(d.name, res.Report, p, time.Now())
	fleet.Sort(pins)
	changes, err := d.repo.OpenChanges(ctx)
	if err != nil {
		return err
	}
	var open []dashboard.PullRequest
	for _, c := range changes {
		if !c.Closed {
			open = append(open, dashboard.PullRequest{Number: c.Number, Title: c.Title, URL: c.URL})
		}
	}
	body := dashboard.Render(dashboard.Input{
		Pins: pins, Pending: res.Pending, Open: open,
		ConfigIgnores: res.Config.Ignore, CommandIgnores: ignores,
		Problems: configProblems(res.Report.Errors),
	})
	n, err := d.repo.KeepIssueAt(ctx, dashboard.Kind, number, dashboard.Title, body)
	if err != nil {
		return err
	}
	return d.state.SetIssue(ctx, d.inst, d.name, dashboard.Kind, n)
}
