package server

import (
	"context"

	"github.com/bumpbot/bumpbot/internal/jobs"
)

// claim makes this process the owner of the SQLite queue file, and runs
// again at once the jobs a killed process left running there (they would
// otherwise wait RescueAfter, and the events for their repositories with
// them). Without the claim (another process uses the file) River's
// rescuer still covers them. PostgreSQL is shared by replicas by design:
// there the rescue delay alone tells a dead job from a live one.
func (s *Server) claim(ctx context.Context) {
	s.release = func() error { return nil }
	if s.cfg.DatabaseURL != "" {
		return
	}
	release, n, err := jobs.ClaimSQLite(ctx, s.db, s.cfg.DB)
	s.release = release
	switch {
	case err != nil:
		s.log.Warn("jobs left running by an earlier process will wait for the rescue delay", "error", err, "rescue_after", s.cfg.RescueAfter.String())
	case n > 0:
		s.log.Info("jobs left running by a process that died run again", "jobs", n)
	}
}
