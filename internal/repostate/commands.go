package repostate

import (
	"context"
	"fmt"
	"time"
)

// Command is a comment addressed to the bot on one of its pull requests,
// kept until a reconcile of the repository carries it out.
type Command struct {
	CommentID  int64
	Number     int // the pull request
	Author     string
	Body       string
	ReceivedAt time.Time
}

// AddCommand records a command before its reconcile is queued. The
// comment's id is the key: a redelivered webhook finds the row (carried
// out or not) and adds nothing, so a command never runs twice.
func (s *Store) AddCommand(ctx context.Context, installation int64, repo string, c Command) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO bumpbot_command (installation_id, repo, comment_id, number, author, body, received_at, done)
VALUES ($1, $2, $3, $4, $5, $6, $7, 0) ON CONFLICT DO NOTHING`, installation, repo, c.CommentID, c.Number, c.Author, c.Body, c.ReceivedAt.Unix())
	if err != nil {
		return fmt.Errorf("record command %d of %s: %w", c.CommentID, repo, err)
	}
	return nil
}

// PendingCommands returns the commands of a repository not yet carried
// out, oldest comment first.
func (s *Store) PendingCommands(ctx context.Context, installation int64, repo string) ([]Command, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT comment_id, number, author, body, received_at FROM bumpbot_command
WHERE installation_id = $1 AND repo = $2 AND done = 0 ORDER BY comment_id`, installation, repo)
	if err != nil {
		return nil, fmt.Errorf("commands of %s: %w", repo, err)
	}
	defer rows.Close()
	var out []Command
	for rows.Next() {
		var c Command
		var at int64
		if err := rows.Scan(&c.CommentID, &c.Number, &c.Author, &c.Body, &at); err != nil {
			return nil, fmt.Errorf("commands of %s: %w", repo, err)
		}
		c.ReceivedAt = time.Unix(at, 0).UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("commands of %s: %w", repo, err)
	}
	return out, nil
}

// FinishCommand marks a command carried out. The row stays, so a
// redelivery of its webhook is recognised.
func (s *Store) FinishCommand(ctx context.Context, installation int64, repo string, commentID int64) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE bumpbot_command SET done = 1 WHERE installation_id = $1 AND repo = $2 AND comment_id = $3`,
		installation, repo, commentID); err != nil {
		return fmt.Errorf("finish command %d of %s: %w", commentID, repo, err)
	}
	return nil
}

// CommandIgnore is an ignore a maintainer made with a command: versions
// Min to Max of a layer (by name), or the whole layer when both are 0.
type CommandIgnore struct {
	Layer    string
	Min, Max int
	Author   string
	Created  time.Time
}

// AddIgnore records an ignore made by a command; the same range of the
// same layer is recorded once (a command retried after a crash). A
// repository's commands run in its reconcile job, one at a time, so the
// check and the insert do not race.
func (s *Store) AddIgnore(ctx context.Context, installation int64, repo string, ig CommandIgnore) error {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM bumpbot_command_ignore
WHERE installation_id = $1 AND repo = $2 AND layer = $3 AND min_version = $4 AND max_version = $5`,
		installation, repo, ig.Layer, ig.Min, ig.Max).Scan(&n); err != nil || n > 0 {
		if err != nil {
			return fmt.Errorf("record ignore of %s in %s: %w", ig.Layer, repo, err)
		}
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO bumpbot_command_ignore (installation_id, repo, layer, min_version, max_version, author, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, installation, repo, ig.Layer, ig.Min, ig.Max, ig.Author, ig.Created.Unix()); err != nil {
		return fmt.Errorf("record ignore of %s in %s: %w", ig.Layer, repo, err)
	}
	return nil
}

// Ignores returns the ignores made by commands in a repository, oldest
// first.
func (s *Store) Ignores(ctx context.Context, installation int64, repo string) ([]CommandIgnore, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT layer, min_version, max_version, author, created_at FROM bumpbot_command_ignore
WHERE installation_id = $1 AND repo = $2 ORDER BY created_at, layer`, installation, repo)
	if err != nil {
		return nil, fmt.Errorf("ignores of %s: %w", repo, err)
	}
	defer rows.Close()
	var out []CommandIgnore
	for rows.Next() {
		var ig CommandIgnore
		var at int64
		if err := rows.Scan(&ig.Layer, &ig.Min, &ig.Max, &ig.Author, &at); err != nil {
			return nil, fmt.Errorf("ignores of %s: %w", repo, err)
		}
		ig.Created = time.Unix(at, 0).UTC()
		out = append(out, ig)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ignores of %s: %w", repo, err)
	}
	return out, nil
}

// RemoveIgnores removes the ignores commands made for a layer and says
// how many there were; the configuration's own ignores are untouched.
func (s *Store) RemoveIgnores(ctx context.Context, installation int64, repo, layer string) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM bumpbot_command_ignore WHERE installation_id = $1 AND repo = $2 AND layer = $3`, installation, repo, layer)
	if err != nil {
		return 0, fmt.Errorf("unignore %s in %s: %w", layer, repo, err)
	}
	return res.RowsAffected()
}
