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

// orgDefaults caches the org defaults read, by installation and owner.
type orgDefaults struct {
	mu       sync.Mutex
	m        map[string]orgEntry
	policies map[string]policyEntry
	// kept, when set, keeps the files read in the database too, so a
	// restart does not read them again (orgkept.go).
	kept ghapp.Store
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
	src, found, err := s.orgFile(ctx, owner, config.OrgDefaultsPath)
	if err != nil || !found {
		return config.Repo{}, nil, err
	}
	name := owner + "/.github/" + config.OrgDefaultsPath
	cfg, err := config.ParseRepo(name, src, config.Repo{})
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

// policyEntry is an org's security policy as last read.
type policyEntry struct {
	pol *policy.Policy
	at  time.Time
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
	key := fmt.Sprintf("%d/%s", s.installation, strings.ToLower(owner))
	if s.orgs != nil {
		s.orgs.mu.Lock()
		e, ok := s.orgs.policies[key]
		s.orgs.mu.Unlock()
		if ok && time.Since(e.at) < orgDefaultsTTL {
			return e.pol, nil
		}
	}
	src, found, err := s.orgFile(ctx, owner, policy.Path)
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
	s.rememberPolicy(pol)
	return pol, nil
}

// rememberPolicy caches the org's policy as just read.
func (s repoConfigSource) rememberPolicy(pol *policy.Policy) {
	if s.orgs == nil {
		return
	}
	owner, _, _ := strings.Cut(s.repo, "/")
	key := fmt.Sprintf("%d/%s", s.installation, strings.ToLower(owner))
	s.orgs.mu.Lock()
	defer s.orgs.mu.Unlock()
	if s.orgs.policies == nil {
		s.orgs.policies = map[string]policyEntry{}
	}
	s.orgs.policies[key] = policyEntry{pol, time.Now()}
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
