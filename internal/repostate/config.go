package repostate

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/bumpbot/bumpbot/internal/config"
)

// SaveConfig records a repository's configuration as the last valid one,
// which stays in force while a later version of its file is broken.
func (s *Store) SaveConfig(ctx context.Context, installation int64, repo string, cfg config.Repo) error {
	b, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("configuration of %s: %w", repo, err)
	}
	return s.replace(ctx, "bumpbot_repo_config", installation, repo, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO bumpbot_repo_config (installation_id, repo, config) VALUES ($1, $2, $3)`, installation, repo, string(b))
		return err
	})
}

// LastConfig returns the last valid configuration recorded for a
// repository, and whether there is one.
func (s *Store) LastConfig(ctx context.Context, installation int64, repo string) (config.Repo, bool, error) {
	var raw string
	err := s.db.QueryRowContext(ctx, `SELECT config FROM bumpbot_repo_config WHERE installation_id = $1 AND repo = $2`, installation, repo).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return config.Repo{}, false, nil
	}
	if err != nil {
		return config.Repo{}, false, fmt.Errorf("configuration of %s: %w", repo, err)
	}
	var cfg config.Repo
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		return config.Repo{}, false, fmt.Errorf("configuration of %s: %w", repo, err)
	}
	return cfg, true, nil
}
