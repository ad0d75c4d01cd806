package webhook

import (
	"slices"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/rewrite"
)

// handled are the events that can ask for work; others are acknowledged
// and ignored without parsing.
var handled = map[string]bool{
	"installation":              true,
	"installation_repositories": true,
	"issue_comment":             true, // commands, with WithCommands
	"issues":                    true, // dashboard edits, with WithDashboard
	"pull_request":              true, // a bump pull request closed or merged; a head to check
	"push":                      true,
	"repository":                true,
}

// targets returns the repositories an event asks to reconcile.
func targets(event any) []jobs.ReconcileArgs {
	switch e := event.(type) {
	case *github.InstallationEvent:
		switch e.GetAction() {
		case "created", "new_permissions_accepted", "unsuspend":
			return forRepos(e.GetInstallation().GetID(), e.Repositories)
		}
	case *github.InstallationRepositoriesEvent:
		if e.GetAction() == "added" {
			return forRepos(e.GetInstallation().GetID(), e.RepositoriesAdded)
		}
	case *github.PushEvent:
		if pushNeedsReconcile(e) {
			return []jobs.ReconcileArgs{{InstallationID: e.GetInstallation().GetID(), Repo: e.GetRepo().GetFullName(), DefaultBranch: e.GetRepo().GetDefaultBranch()}}
		}
	case *github.PullRequestEvent:
		// A bump pull request merged or closed: its branch is deleted
		// (and a declined version noted) now rather than at the next
		// push or poll.
		// A pull request opened or moved: its head gets the policy's
		// check (bumpbot/policy) from the reconcile. The bot's own
		// pushes are checked by the reconcile that made them.
		repo := e.GetRepo()
		botBranch := strings.HasPrefix(e.GetPullRequest().GetHead().GetRef(), reconcile.BranchPrefix)
		bump := e.GetAction() == "closed" && botBranch
		head := e.GetAction() == "reopened" || (e.GetAction() == "opened" || e.GetAction() == "synchronize") && !botBranch
		if (bump || head) && e.GetInstallation().GetID() != 0 && repo.GetFullName() != "" {
			return []jobs.ReconcileArgs{{InstallationID: e.GetInstallation().GetID(), Repo: repo.GetFullName(), DefaultBranch: repo.GetDefaultBranch()}}
		}
	case *github.RepositoryEvent:
		// A new default branch: the bump pull requests should now be
		// based on it, and the client's remembered name is stale.
		repo := e.GetRepo()
		if e.GetAction() == "edited" && e.GetChanges().GetDefaultBranch() != nil &&
			e.GetInstallation().GetID() != 0 && repo.GetFullName() != "" {
			return []jobs.ReconcileArgs{{InstallationID: e.GetInstallation().GetID(), Repo: repo.GetFullName(), DefaultBranch: repo.GetDefaultBranch()}}
		}
	}
	return nil
}

func forRepos(inst int64, repos []*github.Repository) []jobs.ReconcileArgs {
	if inst == 0 {
		return nil
	}
	var out []jobs.ReconcileArgs
	for _, r := range repos {
		if n := r.GetFullName(); n != "" {
			out = append(out, jobs.ReconcileArgs{InstallationID: inst, Repo: n})
		}
	}
	return out
}

// pushNeedsReconcile: a push to the default branch that adds or modifies a
// candidate file. When the payload cannot tell (GitHub lists at most 20
// commits, and none for some pushes) it errs towards reconciling, which is
// cheap on an unchanged tree.
func pushNeedsReconcile(e *github.PushEvent) bool {
	repo := e.GetRepo()
	if e.GetInstallation().GetID() == 0 || repo.GetFullName() == "" || e.GetDeleted() {
		return false
	}
	if e.GetRef() != "refs/heads/"+repo.GetDefaultBranch() {
		return false
	}
	if len(e.Commits) == 0 || len(e.Commits) < e.GetSize() {
		return true
	}
	// The org's .github repository holds its security policy: a change
	// of it, a deletion included, is re-evaluated by its reconcile.
	_, name, _ := strings.Cut(repo.GetFullName(), "/")
	policyRepo := strings.EqualFold(name, ".github")
	for _, c := range e.Commits {
		for _, list := range [][]string{c.Added, c.Modified} {
			for _, p := range list {
				if rewrite.IsCandidate(p, false) || policyRepo && p == policy.Path {
					return true
				}
			}
		}
		if policyRepo && slices.Contains(c.Removed, policy.Path) {
			return true
		}
	}
	return false
}
