package repostate

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// Pin is one pinned layer version of a repository, as the layer index
// holds it. Partition and Region are as the files spell them: a
// placeholder (${AWS::Region}) matches any region the repository deploys
// to.
type Pin struct {
	Installation int64  `json:"installation_id"`
	Repo         string `json:"repo"`
	Partition    string `json:"partition"`
	Region       string `json:"region"`
	Account      string `json:"account"`
	Layer        string `json:"layer"`
	Version      int    `json:"version"`
	File         string `json:"file"`
	Line         int    `json:"line"`
	// Verdict is what the repository's latest reconcile concluded about
	// the pin; nil when it recorded none.
	Verdict *Verdict `json:"verdict,omitempty"`
}

// ReplacePins records which layer versions a repository pins, as its
// latest reconcile found them, in place of what was recorded before (the
// index is replaced, never appended to). References whose version is not
// written in the files are left out: nothing can move them.
func (s *Store) ReplacePins(ctx context.Context, installation int64, repo string, refs []ref.Reference) error {
	return s.ReplaceIndex(ctx, installation, repo, refs, nil)
}

// Pinning returns the pins of one layer (account and name) across every
// repository, ordered by repository, file and line: the repositories a
// publish event for that layer concerns. A region that is a placeholder
// is returned too; the caller knows which regions it stands for.
func (s *Store) Pinning(ctx context.Context, account, layer string) ([]Pin, error) {
	return s.pins(ctx, `WHERE p.account = $1 AND p.layer = $2`, account, layer)
}

// RepoPins returns one repository's pins.
func (s *Store) RepoPins(ctx context.Context, installation int64, repo string) ([]Pin, error) {
	return s.pins(ctx, `WHERE p.installation_id = $1 AND p.repo = $2`, installation, repo)
}

func (s *Store) pins(ctx context.Context, where string, args ...any) ([]Pin, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT p.installation_id, p.repo, p.partition_name, p.region, p.account, p.layer, p.version, p.file, p.line,
		v.newest, v.status, v.rule, v.detail
		FROM bumpbot_layer_pin p LEFT JOIN bumpbot_pin_verdict v
		ON v.installation_id = p.installation_id AND v.repo = p.repo AND v.seq = p.seq `+where+`
		ORDER BY p.repo, p.installation_id, p.seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("layer index: %w", err)
	}
	defer rows.Close()
	var out []Pin
	for rows.Next() {
		var p Pin
		var newest sql.NullInt64
		var status, rule, detail sql.NullString
		if err := rows.Scan(&p.Installation, &p.Repo, &p.Partition, &p.Region, &p.Account, &p.Layer, &p.Version, &p.File, &p.Line,
			&newest, &status, &rule, &detail); err != nil {
			return nil, fmt.Errorf("layer index: %w", err)
		}
		if status.Valid {
			p.Verdict = &Verdict{Newest: int(newest.Int64), Status: status.String, Rule: rule.String, Detail: detail.String}
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Layer is one distinct layer of the index, as pinned somewhere.
type Layer struct {
	Partition, Region, Account, Name string
}

// Layers returns every distinct layer pinned by any repository: what a
// poll per layer resolves once, instead of once per repository.
func (s *Store) Layers(ctx context.Context) ([]Layer, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT partition_name, region, account, layer FROM bumpbot_layer_pin
		ORDER BY account, layer, region, partition_name`)
	if err != nil {
		return nil, fmt.Errorf("layer index: %w", err)
	}
	defer rows.Close()
	var out []Layer
	for rows.Next() {
		var l Layer
		if err := rows.Scan(&l.Partition, &l.Region, &l.Account, &l.Name); err != nil {
			return nil, fmt.Errorf("layer index: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// AllPins returns every pin of the index, ordered by repository, file and
// line: the fleet view's rows.
func (s *Store) AllPins(ctx context.Context) ([]Pin, error) {
	return s.pins(ctx, "")
}

// Newest is the newest version of a layer in a region, as the last poll
// per layer found it.
type Newest struct {
	Account, Layer, Region string
	Version                int
	CheckedAt              time.Time
}

// SetNewest records the newest version of a layer in a region.
func (s *Store) SetNewest(ctx context.Context, n Newest) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO bumpbot_layer_newest (account, layer, region, version, checked_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (account, layer, region) DO UPDATE SET version = excluded.version, checked_at = excluded.checked_at`,
		n.Account, n.Layer, n.Region, n.Version, n.CheckedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("newest version of %s: %w", n.Layer, err)
	}
	return nil
}

// NewestVersions returns every newest version recorded, keyed by account,
// layer and region.
func (s *Store) NewestVersions(ctx context.Context) (map[[3]string]Newest, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT account, layer, region, version, checked_at FROM bumpbot_layer_newest`)
	if err != nil {
		return nil, fmt.Errorf("newest versions: %w", err)
	}
	defer rows.Close()
	out := map[[3]string]Newest{}
	for rows.Next() {
		var n Newest
		var at int64
		if err := rows.Scan(&n.Account, &n.Layer, &n.Region, &n.Version, &at); err != nil {
			return nil, fmt.Errorf("newest versions: %w", err)
		}
		n.CheckedAt = time.UnixMilli(at).UTC()
		out[[3]string{n.Account, n.Layer, n.Region}] = n
	}
	return out, rows.Err()
}

// AllProblems returns the problems recorded for every repository, keyed
// by installation and repository.
func (s *Store) AllProblems(ctx context.Context) (map[RepoKey][]Recorded, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT installation_id, repo, severity, kind, file, line, col, message, recorded_at
		FROM bumpbot_repo_problem ORDER BY installation_id, repo, seq`)
	if err != nil {
		return nil, fmt.Errorf("problems: %w", err)
	}
	defer rows.Close()
	out := map[RepoKey][]Recorded{}
	for rows.Next() {
		var k RepoKey
		var r Recorded
		var sev, kind string
		var at int64
		if err := rows.Scan(&k.Installation, &k.Repo, &sev, &kind, &r.File, &r.Line, &r.Column, &r.Message, &at); err != nil {
			return nil, fmt.Errorf("problems: %w", err)
		}
		r.Severity, r.Kind, r.RecordedAt = Severity(sev), problem.Kind(kind), time.UnixMilli(at).UTC()
		out[k] = append(out[k], r)
	}
	return out, rows.Err()
}

// RepoKey names a repository of an installation.
type RepoKey struct {
	Installation int64
	Repo         string
}

// Size counts the pins of the index and the distinct layers they name.
func (s *Store) Size(ctx context.Context) (pins, layers int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT account || ':' || layer) FROM bumpbot_layer_pin`).Scan(&pins, &layers)
	if err != nil {
		return 0, 0, fmt.Errorf("layer index size: %w", err)
	}
	return pins, layers, nil
}
