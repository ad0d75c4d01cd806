package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/google/go-github/v60/github"
)

// repoConfigSource gives a repository's reconcile its configuration
// defaults and its last valid configuration, from the stored state.
type repoConfigSource struct {
	state        *repostate.Store
	installation int64
	repo         string
	// gh reads the org's defaults; nil reads none.
	gh *github.Client
	// orgs remembers each org's defaults for a while.
	orgs *orgDefaults
}

// orgDefaultsTTL is how long an org's defaults are reused: a change of
// the org's bumpbot.yml reaches every repository within it, and a
// reconcile of an unchanged repository costs no request for it (GitHub's
// 404 for an org without the file is not a free conditional answer).
const orgDefaultsTTL = 10 * time.Minute

// orgDefaults caches the org defaults read, by installation and owner.
type orgDefaults struct {
	mu sync.Mutex
	m  map[string]orgEntry
}

type orgEntry struct {
	cfg   config.Repo
	probs []problem.Problem
	at    time.Time
}

// Defaults implements reconcile.ConfigSource: the org's defaults, in
// bumpbot.yml at the root of its .github repository (read with the
// installation's token, revalidated by ETag so an unchanged file costs
// no rate limit). No such repository or file means no defaults; a file
// that does not parse is reported (kind config, named OWNER/.github) and
// the built-in defaults apply.
func (s repoConfigSource) Defaults(ctx context.Context) (config.Repo, []problem.Problem, error) {
	owner, _, _ := strings.Cut(s.repo, "/")
	if s.gh == nil || owner == "" {
		return config.Repo{}, nil, nil
	}
	if s.orgs == nil {
		return s.readDefaults(ctx, owner)
	}
	key := fmt.Sprintf("%d/%s", s.installation, strings.ToLower(owner))
	s.orgs.mu.Lock()
	e, ok := s.orgs.m[key]
	s.orgs.mu.Unlock()
	if ok && time.Since(e.at) < orgDefaultsTTL {
		return e.cfg, e.probs, nil
	}
	cfg, probs, err := s.readDefaults(ctx, owner)
	if err != nil {
		return cfg, probs, err
	}
	s.orgs.mu.Lock()
	defer s.orgs.mu.Unlock()
	if s.orgs.m == nil {
		s.orgs.m = map[string]orgEntry{}
	}
	s.orgs.m[key] = orgEntry{cfg, probs, time.Now()}
	return cfg, probs, nil
}

// readDefaults reads and parses the org's defaults.
func (s repoConfigSource) readDefaults(ctx context.Context, owner string) (config.Repo, []problem.Problem, error) {
	file, _, resp, err := s.gh.Repositories.GetContents(ctx, owner, ".github", config.OrgDefaultsPath, nil)
	if resp != nil && resp.StatusCode == http.StatusNotFound {
		return config.Repo{}, nil, nil
	}
	if err != nil {
		return config.Repo{}, nil, fmt.Errorf("read %s/.github/%s: %w", owner, config.OrgDefaultsPath, err)
	}
	src, err := file.GetContent()
	if err != nil {
		return config.Repo{}, nil, fmt.Errorf("read %s/.github/%s: %w", owner, config.OrgDefaultsPath, err)
	}
	name := owner + "/.github/" + config.OrgDefaultsPath
	cfg, err := config.ParseRepo(name, []byte(src), config.Repo{})
	if pe, ok := errors.AsType[config.ParseErrors](err); ok {
		var probs []problem.Problem
		for _, e := range pe {
			probs = append(probs, problem.Problem{File: name, Line: e.Line, Column: e.Column, Kind: problem.Config, Message: e.Message, Err: e})
		}
		return config.Repo{}, probs, nil
	}
	return cfg, nil, err
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
