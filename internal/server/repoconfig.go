package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/repostate"
)

// repoConfigSource gives a repository's reconcile its configuration
// defaults and its last valid configuration, from the stored state.
type repoConfigSource struct {
	state        *repostate.Store
	installation int64
	repo         string
}

// Defaults implements reconcile.ConfigSource: the built-in defaults (the
// org's .github repository is not read yet).
func (s repoConfigSource) Defaults(context.Context) (config.Repo, []problem.Problem, error) {
	return config.Repo{}, nil, nil
}

// LastValid implements reconcile.ConfigSource.
func (s repoConfigSource) LastValid(ctx context.Context) (config.Repo, bool, error) {
	return s.state.LastConfig(ctx, s.installation, s.repo)
}

// configIssueKind names the bot's configuration-error issue.
const configIssueKind = "config-error"

// issueKeeper is what keeping the configuration issue needs of a forge.
type issueKeeper interface {
	KeepIssue(ctx context.Context, kind, title, body string) (int, error)
	CloseIssue(ctx context.Context, kind, comment string) (bool, error)
}

// keepConfigIssue opens, updates or closes the repository's one
// "bumpbot: configuration error" issue after a reconcile: while its
// configuration file is broken the issue lists every mistake as
// path:line:column: message; once fixed it is closed with a comment.
func (g *ghRunner) keepConfigIssue(ctx context.Context, f issueKeeper, inst int64, repo string, probs []problem.Problem) error {
	state := g.problems.state
	open, err := state.Issue(ctx, inst, repo, configIssueKind)
	if err != nil {
		return err
	}
	if len(probs) == 0 {
		if open == 0 {
			return nil
		}
		if _, err := f.CloseIssue(ctx, configIssueKind, "`"+config.RepoPath+"` parses again: bumpbot follows it from now on. Closing."); err != nil {
			return err
		}
		return state.SetIssue(ctx, inst, repo, configIssueKind, 0)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "bumpbot cannot follow `%s`:\n\n", config.RepoPath)
	for _, p := range probs {
		fmt.Fprintf(&b, "- `%s`: %s\n", p.Location(), p.Message)
	}
	b.WriteString("\nUntil the file is fixed, bumpbot keeps following the last valid configuration (or its defaults, if there never was one). This issue is updated on every change and closes itself once the file is fixed.\n")
	n, err := f.KeepIssue(ctx, configIssueKind, "bumpbot: configuration error", b.String())
	if err != nil {
		return err
	}
	return state.SetIssue(ctx, inst, repo, configIssueKind, n)
}

// configProblems picks the problems of the repository's own configuration
// file out of a reconcile's errors.
func configProblems(errs []problem.Problem) []problem.Problem {
	var out []problem.Problem
	for _, p := range errs {
		if p.Kind == problem.Config && p.File == config.RepoPath {
			out = append(out, p)
		}
	}
	return out
}
