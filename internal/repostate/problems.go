// Package repostate keeps what the App knows about each repository between
// reconciles, in the job database (SQLite or PostgreSQL): for now the
// problems its last reconcile met, so that an error nobody reads in a log
// (expired AWS credentials, a template that does not parse) stays visible
// to the fleet view and the repository's dashboard, and the layer index:
// which layer versions each repository pins, so a layer-publish event
// reconciles only the repositories that pin that layer.
package repostate

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/bumpbot/bumpbot/internal/problem"
)

// Severity says whether a problem kept something from being done (an
// error) or is a remark (a note).
type Severity string

// The severities.
const (
	Error Severity = "error"
	Note  Severity = "note"
)

// Recorded is one problem as stored.
type Recorded struct {
	problem.Problem
	Severity   Severity  `json:"severity"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Store reads and writes repository state.
type Store struct{ db *sql.DB }

// Open creates the tables if needed and returns the store over db.
func Open(ctx context.Context, db *sql.DB) (*Store, error) {
	for _, stmt := range schema {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return nil, fmt.Errorf("repository state: %w", err)
		}
	}
	return &Store{db: db}, nil
}

// ReplaceProblems records the problems of a repository's latest reconcile
// in place of the previous ones.
func (s *Store) ReplaceProblems(ctx context.Context, installation int64, repo string, errs, notes []problem.Problem, at time.Time) error {
	return s.replace(ctx, "bumpbot_repo_problem", installation, repo, func(tx *sql.Tx) error {
		seq := 0
		for _, list := range []struct {
			sev Severity
			ps  []problem.Problem
		}{{Error, errs}, {Note, notes}} {
			for _, p := range list.ps {
				seq++
				if _, err := tx.ExecContext(ctx, `INSERT INTO bumpbot_repo_problem
					(installation_id, repo, seq, severity, kind, file, line, col, message, recorded_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
					installation, repo, seq, string(list.sev), string(p.Kind), p.File, p.Line, p.Column, p.Message, at.UnixMilli()); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// replace deletes a repository's rows of table and writes new ones with
// fill, in one transaction: a reader sees the old rows or the new ones,
// never a mix.
func (s *Store) replace(ctx context.Context, table string, installation int64, repo string, fill func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s of %s: %w", table, repo, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE installation_id = $1 AND repo = $2`, installation, repo); err != nil {
		return fmt.Errorf("%s of %s: %w", table, repo, err)
	}
	if err := fill(tx); err != nil {
		return fmt.Errorf("%s of %s: %w", table, repo, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s of %s: %w", table, repo, err)
	}
	return nil
}

// Problems returns the problems recorded for a repository, errors first,
// each list in the order recorded.
func (s *Store) Problems(ctx context.Context, installation int64, repo string) ([]Recorded, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT severity, kind, file, line, col, message, recorded_at
		FROM bumpbot_repo_problem WHERE installation_id = $1 AND repo = $2 ORDER BY seq`, installation, repo)
	if err != nil {
		return nil, fmt.Errorf("problems of %s: %w", repo, err)
	}
	defer rows.Close()
	var out []Recorded
	for rows.Next() {
		var r Recorded
		var sev, kind string
		var at int64
		if err := rows.Scan(&sev, &kind, &r.File, &r.Line, &r.Column, &r.Message, &at); err != nil {
			return nil, fmt.Errorf("problems of %s: %w", repo, err)
		}
		r.Severity, r.Kind, r.RecordedAt = Severity(sev), problem.Kind(kind), time.UnixMilli(at).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
