package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// listenMetrics opens the metrics listener when MetricsAddr is set, and
// routes /metrics to it; otherwise /metrics joins the public mux. It
// listens in New so that a bad address stops the start at once.
func (s *Server) listenMetrics(public *http.ServeMux, metrics http.Handler) error {
	if s.cfg.MetricsAddr == "" {
		public.Handle("GET /metrics", metrics)
		return nil
	}
	ln, err := net.Listen("tcp", s.cfg.MetricsAddr)
	if err != nil {
		return fmt.Errorf("listen for metrics on %s: %w", s.cfg.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	s.metricsLn = ln
	s.metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	return nil
}

// MetricsAddr is the address /metrics is served on when it has its own
// listener, or "" when it is served on the public one.
func (s *Server) MetricsAddr() string {
	if s.metricsLn == nil {
		return ""
	}
	return s.metricsLn.Addr().String()
}

// serveMetrics serves the metrics listener, if any, until shutdown.
func (s *Server) serveMetrics() {
	if s.metricsSrv == nil {
		return
	}
	go func() {
		if err := s.metricsSrv.Serve(s.metricsLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("metrics listener", "error", err)
		}
	}()
}

// shutdownMetrics stops the metrics listener, if any.
func (s *Server) shutdownMetrics(ctx context.Context) {
	if s.metricsSrv == nil {
		return
	}
	if err := s.metricsSrv.Shutdown(ctx); err != nil {
		s.log.Warn("metrics shutdown", "error", err)
	}
}

// closeMetrics releases the metrics listener of a server never served.
func (s *Server) closeMetrics() {
	if s.metricsLn != nil {
		s.metricsLn.Close()
	}
}
