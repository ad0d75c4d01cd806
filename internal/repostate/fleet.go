package repostate

import (
	"context"
	"fmt"
)

// IndexedRepos returns, sorted, the repositories of an installation that
// the layer index holds pins of: those an org-wide change (its security
// policy) concerns.
func (s *Store) IndexedRepos(ctx context.Context, installation int64) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT repo FROM bumpbot_layer_pin WHERE installation_id = $1 ORDER BY repo`, installation)
	if err != nil {
		return nil, fmt.Errorf("layer index: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, fmt.Errorf("layer index: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
