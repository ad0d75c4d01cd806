package repostate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SetIssue records that the bot keeps issue number of a kind open in a
// repository (0: none), so a reconcile knows whether there is one to
// close without asking GitHub every time.
func (s *Store) SetIssue(ctx context.Context, installation int64, repo, kind string, number int) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM bumpbot_repo_issue WHERE installation_id = $1 AND repo = $2 AND kind = $3`, installation, repo, kind); err != nil {
		return fmt.Errorf("issue of %s: %w", repo, err)
	}
	if number == 0 {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO bumpbot_repo_issue (installation_id, repo, kind, number) VALUES ($1, $2, $3, $4)`, installation, repo, kind, number); err != nil {
		return fmt.Errorf("issue of %s: %w", repo, err)
	}
	return nil
}

// Issue returns the number of the bot's open issue of a kind, 0 if none.
func (s *Store) Issue(ctx context.Context, installation int64, repo, kind string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT number FROM bumpbot_repo_issue WHERE installation_id = $1 AND repo = $2 AND kind = $3`, installation, repo, kind).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("issue of %s: %w", repo, err)
	}
	return n, nil
}
