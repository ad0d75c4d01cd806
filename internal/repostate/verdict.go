package repostate

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// Verdict is what a repository's latest reconcile concluded about one of
// its pins: the newest version it may move to (the configuration, the
// runtimes and the org's security policy considered), its status
// (current, behind, deleted, error, violation) and why. It is stored
// beside the pin so that the fleet view shows what the reconcile — the
// one place these rules are applied — decided, not a second guess.
type Verdict struct {
	Newest int    `json:"newest"`
	Status string `json:"status"`
	Rule   string `json:"rule,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// ReplaceIndex is ReplacePins with the reconcile's verdict on each pin
// (verdict answers false for a pin it has none for): pins and verdicts
// are replaced in one transaction, so a reader never sees the pins of one
// reconcile with the verdicts of another.
func (s *Store) ReplaceIndex(ctx context.Context, installation int64, repo string, refs []ref.Reference, verdict func(ref.Reference) (Verdict, bool)) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("layer index of %s: %w", repo, err)
	}
	defer tx.Rollback()
	for _, table := range []string{"bumpbot_layer_pin", "bumpbot_pin_verdict"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE installation_id = $1 AND repo = $2`, installation, repo); err != nil {
			return fmt.Errorf("layer index of %s: %w", repo, err)
		}
	}
	if err := insertPins(ctx, tx, installation, repo, refs, verdict); err != nil {
		return fmt.Errorf("layer index of %s: %w", repo, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("layer index of %s: %w", repo, err)
	}
	return nil
}

// insertPins writes the pins with a literal version, numbered in order,
// and the verdicts known for them.
func insertPins(ctx context.Context, tx *sql.Tx, installation int64, repo string, refs []ref.Reference, verdict func(ref.Reference) (Verdict, bool)) error {
	seq := 0
	for _, r := range refs {
		if r.Version == nil {
			continue
		}
		seq++
		if _, err := tx.ExecContext(ctx, `INSERT INTO bumpbot_layer_pin
			(installation_id, repo, seq, partition_name, region, account, layer, version, file, line)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			installation, repo, seq, r.Partition, r.Region, r.Account, r.Layer, *r.Version, r.File, r.Line); err != nil {
			return err
		}
		if verdict == nil {
			continue
		}
		v, ok := verdict(r)
		if !ok {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO bumpbot_pin_verdict
			(installation_id, repo, seq, newest, status, rule, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			installation, repo, seq, v.Newest, v.Status, v.Rule, v.Detail); err != nil {
			return err
		}
	}
	return nil
}
