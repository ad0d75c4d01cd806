package server

import (
	"context"

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
