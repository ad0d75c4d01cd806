package repostate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// DashboardEdit is a person's edit of a repository's dashboard issue,
// kept until the repository's reconcile carries out the boxes it ticked
// (or undoes it, from someone without write access).
type DashboardEdit struct {
	Number int // the issue
	Author string
	Body   string // the body as the edit left it
	// EditedAt is the updated_at as the webhook gave it.
	EditedAt   time.Time
	ReceivedAt time.Time
}

// key names an edit: an edit has no id of its own on GitHub, but its
// issue, author, time and body tell a redelivery (all equal) from a new
// edit.
func (e DashboardEdit) key() string {
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%s\x00%d\x00%s", e.Number, e.Author, e.EditedAt.UnixNano(), e.Body)
	return hex.EncodeToString(h.Sum(nil))
}

// AddDashboardEdit records an edit before its reconcile is queued; a
// redelivered webhook, carried out or not, adds nothing.
func (s *Store) AddDashboardEdit(ctx context.Context, installation int64, repo string, e DashboardEdit) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO bumpbot_dashboard_edit (installation_id, repo, edit_key, number, author, body, received_at, done)
VALUES ($1, $2, $3, $4, $5, $6, $7, 0) ON CONFLICT DO NOTHING`, installation, repo, e.key(), e.Number, e.Author, e.Body, e.ReceivedAt.UnixNano())
	if err != nil {
		return fmt.Errorf("record dashboard edit of %s: %w", repo, err)
	}
	return nil
}

// PendingDashboardEdit is a recorded edit not yet carried out, with the
// key FinishDashboardEdit takes.
type PendingDashboardEdit struct {
	Key string
	DashboardEdit
}

// PendingDashboardEdits returns the edits of a repository's dashboard not
// yet carried out, oldest first.
func (s *Store) PendingDashboardEdits(ctx context.Context, installation int64, repo string) ([]PendingDashboardEdit, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT edit_key, number, author, body, received_at FROM bumpbot_dashboard_edit
WHERE installation_id = $1 AND repo = $2 AND done = 0 ORDER BY received_at, edit_key`, installation, repo)
	if err != nil {
		return nil, fmt.Errorf("dashboard edits of %s: %w", repo, err)
	}
	defer rows.Close()
	var out []PendingDashboardEdit
	for rows.Next() {
		var e PendingDashboardEdit
		var at int64
		if err := rows.Scan(&e.Key, &e.Number, &e.Author, &e.Body, &at); err != nil {
			return nil, fmt.Errorf("dashboard edits of %s: %w", repo, err)
		}
		e.ReceivedAt = time.Unix(0, at).UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dashboard edits of %s: %w", repo, err)
	}
	return out, nil
}

// FinishDashboardEdit marks an edit carried out; the row stays, so a
// redelivery of its webhook is recognised.
func (s *Store) FinishDashboardEdit(ctx context.Context, installation int64, repo, key string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE bumpbot_dashboard_edit SET done = 1 WHERE installation_id = $1 AND repo = $2 AND edit_key = $3`,
		installation, repo, key); err != nil {
		return fmt.Errorf("finish dashboard edit of %s: %w", repo, err)
	}
	return nil
}
