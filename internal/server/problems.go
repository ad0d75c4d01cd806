package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/fleet"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/repostate"
)

// problemReporter carries what a reconcile found to everywhere an operator
// or a maintainer looks: one log line per problem (repository, file, line,
// kind), a counter by kind in /metrics, and the repository's stored state
// (its problems and its pins in the layer index), replaced on each
// reconcile.
type problemReporter struct {
	state   *repostate.Store
	counter *prometheus.CounterVec
	log     *slog.Logger
	now     func() time.Time // nil: time.Now
}

func newProblemCounter(reg prometheus.Registerer) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bumpbot_reconcile_problems_total",
		Help: "Problems met by reconciles (a file that does not parse, access denied on a layer, a throttled region...), by kind and severity.",
	}, []string{"kind", "severity"})
	reg.MustRegister(c)
	return c
}

// report logs, counts and stores the problems of one reconcile, and
// indexes its pins with the verdict `bumpbot report` gives them (the org's
// policy, pol, the one the reconcile applied; nil: none). log already
// names the installation and repository.
func (p problemReporter) report(ctx context.Context, log *slog.Logger, inst int64, repo string, r bump.Report, pol func(context.Context) (*policy.Policy, error)) {
	for _, list := range []struct {
		sev   repostate.Severity
		level slog.Level
		ps    []problem.Problem
	}{{repostate.Error, slog.LevelWarn, r.Errors}, {repostate.Note, slog.LevelInfo, r.Notes}} {
		for _, pr := range list.ps {
			log.Log(ctx, list.level, "reconcile "+string(list.sev), "kind", string(pr.Kind), "file", pr.File,
				"line", pr.Line, "column", pr.Column, "message", pr.Message)
			p.counter.WithLabelValues(string(pr.Kind), string(list.sev)).Inc()
		}
	}
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	if err := p.state.ReplaceProblems(ctx, inst, repo, r.Errors, r.Notes, now()); err != nil {
		log.Warn("cannot record the reconcile's problems", "error", err)
	}
	var rules *policy.Policy
	if pol != nil {
		var err error
		if rules, err = pol(ctx); err != nil {
			// The reconcile read it a moment ago: the index keeps its
			// pins; they show as if no policy applied until the next one.
			log.Warn("cannot read the org's security policy for the layer index", "error", err)
		}
	}
	if err := p.state.ReplaceIndex(ctx, inst, repo, r.Pins, fleet.Verdicts(repo, r, rules, now())); err != nil {
		log.Warn("cannot record the repository's pins in the layer index", "error", err)
	}
}
