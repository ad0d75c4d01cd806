package server

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bumpbot/bumpbot/internal/ghstore"
)

// loadPacing reads the settings of GitHub's budget from the environment:
// the write limits, the size of the GitHub cache in the database and the
// number of workers (reconciles, and so reads, at once).
func (c *Config) loadPacing(getenv func(string) string) error {
	if v := getenv("BUMPBOT_WRITE_LIMITS"); v != "" {
		c.WriteLimits = v
	}
	for _, n := range []struct {
		env string
		p   *int
	}{{"BUMPBOT_GITHUB_CACHE_MB", &c.GitHubCacheMB}, {"BUMPBOT_WORKERS", &c.Workers}} {
		if v := getenv(n.env); v != "" {
			i, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("config: %s=%q is not a number", n.env, v)
			}
			*n.p = i
		}
	}
	return nil
}

// validatePacing checks the pacing settings; the write limits are parsed
// once here, and the error says which item is wrong and where.
func (c *Config) validatePacing() []error {
	var errs []error
	if c.WriteLimits == "" {
		c.WriteLimits = ghstore.DefaultLimits
	}
	if _, err := ghstore.ParseLimits(c.WriteLimits); err != nil {
		errs = append(errs, fmt.Errorf("BUMPBOT_WRITE_LIMITS: %w", err))
	}
	if c.GitHubCacheMB < 0 {
		errs = append(errs, fmt.Errorf("BUMPBOT_GITHUB_CACHE_MB=%d: use 0 (the default, %d) or more", c.GitHubCacheMB, ghstore.DefaultMaxBytes>>20))
	}
	if c.Workers < 0 {
		errs = append(errs, fmt.Errorf("BUMPBOT_WORKERS=%d: use at least 1 (0: the default, 4)", c.Workers))
	}
	return errs
}

// gitHubState is what the GitHub client keeps in the job database.
type gitHubState struct {
	cache *ghstore.Store
	pacer *ghstore.Pacer
}

// openGitHubState opens the GitHub cache and the write pacer on db and
// registers the pacing metrics on reg.
func openGitHubState(ctx context.Context, db *sql.DB, cfg Config, reg prometheus.Registerer) (gitHubState, error) {
	limits, err := ghstore.ParseLimits(cfg.WriteLimits)
	if err != nil {
		return gitHubState{}, err
	}
	cache, err := ghstore.Open(ctx, db, ghstore.Options{MaxBytes: int64(cfg.GitHubCacheMB) << 20})
	if err != nil {
		return gitHubState{}, err
	}
	pacer, err := ghstore.NewPacer(ctx, db, ghstore.PacerOptions{Limits: limits})
	if err != nil {
		return gitHubState{}, err
	}
	reg.MustRegister(ghstore.NewCollector(pacer))
	return gitHubState{cache: cache, pacer: pacer}, nil
}
