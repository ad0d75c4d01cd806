package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// recordStmts are the statements Record runs in every transaction,
// prepared once on the database and bound to each transaction with
// Tx.StmtContext: SQLite otherwise parses and plans each of them again
// in every transaction, which cost a fifth of ingest.
type recordStmts struct {
	delivery, request, jobStates *sql.Stmt
}

// recordSQL is what recordStmts hold, in field order.
var recordSQL = [...]string{
	`INSERT INTO bumpbot_delivery (id, event, received_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
	`INSERT INTO bumpbot_repo_request (installation_id, repo, seq) VALUES ($1, $2, $3)
		ON CONFLICT (installation_id, repo) DO UPDATE SET seq = bumpbot_repo_request.seq + excluded.seq`,
	// The states of a batch's remembered jobs, their ids the keys of a
	// JSON object (liveJobs.stillQueued): json_each reads an object the
	// same way in SQLite and PostgreSQL.
	`SELECT id, unique_key, state FROM river_job WHERE id IN (SELECT CAST(key AS BIGINT) FROM json_each($1))`,
}

// preparedStmts prepares the queue's statements on first use. A failure
// is returned and tried again on the next batch.
type preparedStmts struct {
	mu    sync.Mutex
	stmts *recordStmts
}

func (p *preparedStmts) get(ctx context.Context, db *sql.DB) (*recordStmts, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stmts != nil {
		return p.stmts, nil
	}
	var prepared [len(recordSQL)]*sql.Stmt
	for i, query := range recordSQL {
		st, err := db.PrepareContext(ctx, query)
		if err != nil {
			for _, done := range prepared[:i] {
				err = errors.Join(err, done.Close())
			}
			return nil, fmt.Errorf("prepare: %w", err)
		}
		prepared[i] = st
	}
	p.stmts = &recordStmts{delivery: prepared[0], request: prepared[1], jobStates: prepared[2]}
	return p.stmts, nil
}

// inTx binds the statements to tx.
func (s *recordStmts) inTx(ctx context.Context, tx *sql.Tx) *recordStmts {
	return &recordStmts{
		delivery:  tx.StmtContext(ctx, s.delivery),
		request:   tx.StmtContext(ctx, s.request),
		jobStates: tx.StmtContext(ctx, s.jobStates),
	}
}
