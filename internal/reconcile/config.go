package reconcile

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/problem"
)

// ConfigSource gives a reconcile the repository configuration's defaults:
// the org's (from its .github repository) over the built-in ones, and the
// repository's last valid configuration, which stays in force while its
// file is broken. A nil ConfigSource reads only the repository's file.
type ConfigSource interface {
	// Defaults returns the org's defaults (the zero config.Repo when it
	// has none); problems in the org's file are returned with them.
	Defaults(ctx context.Context) (config.Repo, []problem.Problem, error)
	// LastValid returns the repository's last valid configuration, if any.
	LastValid(ctx context.Context) (config.Repo, bool, error)
}

// loadConfig reads config.RepoPath from the snapshot through the forge,
// over the defaults. A broken file yields its problems (kind
// problem.Config, located) and the last valid configuration, or the
// defaults. Without a file the defaults apply.
func (r *Reconciler) loadConfig(ctx context.Context, f Forge, snap Snapshot) (config.Repo, []problem.Problem, error) {
	var base config.Repo
	var probs []problem.Problem
	if r.Config != nil {
		d, ps, err := r.Config.Defaults(ctx)
		if err != nil {
			return base, nil, fmt.Errorf("org configuration: %w", err)
		}
		base, probs = d, ps
	}
	var entry *Entry
	for i, e := range snap.Entries {
		if e.Path == config.RepoPath {
			entry = &snap.Entries[i]
		}
	}
	if entry == nil {
		return base, probs, nil
	}
	src, err := f.ReadFile(ctx, *entry)
	if err != nil {
		return base, nil, fmt.Errorf("read %s: %w", config.RepoPath, err)
	}
	cfg, err := config.ParseRepo(config.RepoPath, src, base)
	if err == nil {
		return cfg, probs, nil
	}
	pe, ok := errors.AsType[config.ParseErrors](err)
	if !ok {
		return base, nil, err
	}
	for _, e := range pe {
		probs = append(probs, problem.Problem{File: e.Path, Line: e.Line, Column: e.Column, Kind: problem.Config, Message: e.Message, Err: e})
	}
	if r.Config != nil {
		last, ok, err := r.Config.LastValid(ctx)
		if err != nil {
			return base, probs, err
		}
		if ok {
			return last, probs, nil
		}
	}
	return base, probs, nil
}

// labelsOf returns the labels of the bot's pull requests: the
// configuration's, which replace the default ones.
func labelsOf(cfg config.Repo) []string {
	if len(cfg.Labels) > 0 {
		return cfg.Labels
	}
	return Labels
}

// prefixed puts the configured commit-message prefix before a title:
// "chore(deps): bump mylayer layer from 3 to 5".
func prefixed(cfg config.Repo, title string) string {
	p := strings.TrimSpace(cfg.CommitMessage.Prefix)
	if p == "" {
		return title
	}
	r, n := utf8.DecodeRuneInString(title)
	return strings.TrimSuffix(p, ":") + ": " + string(unicode.ToLower(r)) + title[n:]
}
