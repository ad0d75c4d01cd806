package server

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"time"
)

// ready answers /readyz: 200 only when a delivery can be recorded right
// now. A ping alone answers while every webhook fails (a damaged table,
// a read-only or full disk), and a load balancer would keep sending
// deliveries to a replica that loses them.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.PingContext(ctx); err != nil {
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	if err := probeRecording(ctx, s.db); err != nil {
		s.log.Warn("readiness: deliveries cannot be recorded", "error", err)
		http.Error(w, "deliveries cannot be recorded", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}

// probeID is the delivery id of the readiness probe's row; received_at
// -1 marks it, so a real delivery with that id is never touched.
const probeID = "bumpbot-readyz-probe"

// probeRecording writes what recording a delivery writes, a row of the
// delivery table, and removes it in the same transaction. It commits
// rather than rolls back: a rolled-back transaction never reaches the
// disk, so a full or read-only one would go unnoticed.
func probeRecording(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	if _, err := tx.ExecContext(ctx, `INSERT INTO bumpbot_delivery (id, event, received_at) VALUES ($1, 'readyz', -1) ON CONFLICT (id) DO NOTHING`, probeID); err != nil {
		return fmt.Errorf("insert probe delivery: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM bumpbot_delivery WHERE id = $1 AND received_at = -1`, probeID); err != nil {
		return fmt.Errorf("delete probe delivery: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit probe: %w", err)
	}
	return nil
}
