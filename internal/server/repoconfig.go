package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/ghapp"
	"github.com/bumpbot/bumpbot/internal/policy"
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
	// orgs remembers each org's defaults and policy for a while.
	orgs *orgDefaults
	log  *slog.Logger
}

// orgDefaultsTTL is how long an org's defaults are reused: a change of
// the org's bumpbot.yml reaches every repository within it, and a
// reconcile of an unchanged repository costs no request for it (GitHub's
// 404 for an org without the file is not a free conditional answer).
const orgDefaultsTTL = 10 * time.Minute

// orgDefaults caches what the org's .github files gave (its defaults and
// its policy), by installation, owner and file.
type orgDefaults struct {
	mu sync.Mutex
	m  map[string]orgEntry
	// kept, when set, keeps the files read in the database too, so a
	// restart does not read them again (orgkept.go).
	kept ghapp.Store
}

// orgEntry is what one org file gave, and when that file was read from
// GitHub: the entry ages from then, not from when it was made, so a file
// kept in the database for a while is not trusted for a further TTL.
type orgEntry struct {
	v  any
	at time.Time
}

// recall returns what name gave, while it is fresh.
func (s repoConfigSource) recall(owner, name string) (any, bool) {
	if s.orgs == nil {
		return nil, false
	}
	s.orgs.mu.Lock()
	defer s.orgs.mu.Unlock()
	e, ok := s.orgs.m[s.orgFileKey(owner, name)]
	if !ok || time.Since(e.at) >= orgDefaultsTTL {
		return nil, false
	}
	return e.v, true
}

// remember keeps what name gave, read from GitHub at at.
func (s repoConfigSource) remember(owner, name string, v any, at time.Time) {
	if s.orgs == nil {
		return
	}
	s.orgs.mu.Lock()
	defer s.orgs.mu.Unlock()
	if s.orgs.m == nil {
		s.orgs.m = map[string]orgEntry{}
	}
	s.orgs.m[s.orgFileKey(owner, name)] = orgEntry{v, at}
}

// orgConfig is what the org's defaults file gave.
type orgConfig struct {
	cfg   config.Repo
	probs []problem.Problem
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
	if v, ok := s.recall(owner, config.OrgDefaultsPath); ok {
		c := v.(orgConfig)
		return c.cfg, c.probs, nil
	}
	src, found, at, err := s.orgFile(ctx, owner, config.OrgDefaultsPath)
	if err != nil || !found {
		if err == nil {
			s.remember(owner, config.OrgDefaultsPath, orgConfig{}, at)
		}
		return config.Repo{}, nil, err
	}
	name := owner + "/.github/" + config.OrgDefaultsPath
	cfg, err := config.ParseRepo(name, src, config.Repo{})
	if pe, ok := errors.AsType[config.ParseErrors](err); ok {
		var probs []problem.Problem
		for _, e := range pe {
			probs = append(probs, problem.Problem{File: name, Line: e.Line, Column: e.Column, Kind: problem.Config, Message: e.Message, Err: e})
		}
		s.remember(owner, config.OrgDefaultsPath, orgConfig{probs: probs}, at)
		return config.Repo{}, probs, nil
	}
	if err != nil {
		return cfg, nil, err
	}
	s.remember(owner, config.OrgDefaultsPath, orgConfig{cfg: cfg}, at)
	return cfg, nil, nil
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

// keptIssue describes one issue the bot keeps open while something in
// the repository needs a person, and closes once it is fixed.
type keptIssue struct {
	kind, title string
	// intro opens the body, before the list of problems; until says what
	// the bot does until they are fixed; closing is the closing comment.
	intro, until, closing string
}

// configIssue is the repository's configuration-error issue.
var configIssue = keptIssue{kind: configIssueKind, title: "bumpbot: configuration error",
	intro:   "bumpbot cannot follow `" + config.RepoPath + "`:",
	until:   "Until the file is fixed, bumpbot keeps following the last valid configuration (or its defaults, if there never was one). This issue is updated on every change and closes itself once the file is fixed.",
	closing: "`" + config.RepoPath + "` parses again: bumpbot follows it from now on. Closing."}

// keepConfigIssue opens, updates or closes the repository's one
// "bumpbot: configuration error" issue after a reconcile.
func (g *ghRunner) keepConfigIssue(ctx context.Context, f issueKeeper, inst int64, repo string, probs []problem.Problem) error {
	return g.keepIssue(ctx, f, inst, repo, configIssue, probs)
}

// keepIssue keeps one issue of the repository: while there are problems
// it lists each as path:line:column: message, kept current; once there
// are none it is closed with a comment.
func (g *ghRunner) keepIssue(ctx context.Context, f issueKeeper, inst int64, repo string, ki keptIssue, probs []problem.Problem) error {
	state := g.problems.state
	open, err := state.Issue(ctx, inst, repo, ki.kind)
	if err != nil {
		return err
	}
	if len(probs) == 0 {
		if open == 0 {
			return nil
		}
		if _, err := f.CloseIssue(ctx, ki.kind, ki.closing); err != nil {
			return err
		}
		return state.SetIssue(ctx, inst, repo, ki.kind, 0)
	}
	var b strings.Builder
	b.WriteString(ki.intro + "\n\n")
	for _, p := range probs {
		fmt.Fprintf(&b, "- `%s`: %s\n", p.Location(), p.Message)
	}
	b.WriteString("\n" + ki.until + "\n")
	n, err := f.KeepIssue(ctx, ki.kind, ki.title, b.String())
	if err != nil {
		return err
	}
	return state.SetIssue(ctx, inst, repo, ki.kind, n)
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

// Policy returns the org's security policy (bumpbot-policy.yml at the
// root of its .github repository), nil when it has none, cached like the
// defaults. A policy that does not parse is logged and not applied: the
// org's repositories go on being bumped as without one.
func (s repoConfigSource) Policy(ctx context.Context) (*policy.Policy, error) {
	owner, _, _ := strings.Cut(s.repo, "/")
	if s.gh == nil || owner == "" {
		return nil, nil
	}
	if v, ok := s.recall(owner, policy.Path); ok {
		return v.(*policy.Policy), nil
	}
	src, found, at, err := s.orgFile(ctx, owner, policy.Path)
	if err != nil {
		return nil, err
	}
	var pol *policy.Policy
	if found {
		p, err := policy.Parse(owner+"/.github/"+policy.Path, src)
		if err != nil {
			if s.log != nil {
				s.log.Warn("the org's security policy does not parse: not applied", "error", err)
			}
		} else {
			pol = &p
		}
	}
	s.remember(owner, policy.Path, pol, at)
	return pol, nil
}

// fetchOrgFile reads a file at the root of the org's .github repository.
func (s repoConfigSource) fetchOrgFile(ctx context.Context, owner, name string) ([]byte, bool, error) {
	file, _, resp, err := s.gh.Repositories.GetContents(ctx, owner, ".github", name, nil)
	if resp != nil && resp.StatusCode == http.StatusNotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s/.github/%s: %w", owner, name, err)
	}
	src, err := file.GetContent()
	if err != nil {
		return nil, false, fmt.Errorf("read %s/.github/%s: %w", owner, name, err)
	}
	return []byte(src), true, nil
}
