package ghstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// WritesPerReconcile is the estimate of writes a pending reconcile will
// spend, for the time to drain: what opening a pull request costs (a
// tree, a commit, a branch, the pull request and its labels). Reconciles
// with nothing to change spend none, so the estimate is an upper bound.
const WritesPerReconcile = 5

// Installation is the pacing state of one installation.
type Installation struct {
	ID int64
	// Writes is how many writes the pacer let through, ever; Limited how
	// many answers asked to pause.
	Writes, Limited int64
	// PausedUntil is when GitHub's last pause ends.
	PausedUntil time.Time
	// Pending counts the reconciles waiting or running.
	Pending int64
}

// Drain is the estimated time to run the pending reconciles at the
// limits' sustained rate.
func (in Installation) Drain(l Limits) time.Duration {
	if in.Pending == 0 || l.Rate() <= 0 {
		return 0
	}
	return time.Duration(float64(in.Pending*WritesPerReconcile) / l.Rate() * float64(time.Second))
}

// pendingQuery counts the reconcile jobs waiting or running per
// installation, in each dialect's JSON syntax (River's SQLite driver
// stores args as JSONB, which json_extract reads).
var pendingQuery = map[bool]string{
	false: `SELECT CAST(json_extract(args, '$.installation_id') AS INTEGER), COUNT(*) FROM river_job
		WHERE kind = 'bumpbot_reconcile_repo' AND state IN ('available', 'scheduled', 'retryable', 'running', 'pending') GROUP BY 1`,
	true: `SELECT (args->>'installation_id')::bigint, COUNT(*) FROM river_job
		WHERE kind = 'bumpbot_reconcile_repo' AND state IN ('available', 'scheduled', 'retryable', 'running', 'pending') GROUP BY 1`,
}

// Installations returns the pacing state of every installation that has
// written or has reconciles pending, by id.
func (p *Pacer) Installations(ctx context.Context) (map[int64]*Installation, error) {
	out := map[int64]*Installation{}
	get := func(id int64) *Installation {
		if out[id] == nil {
			out[id] = &Installation{ID: id}
		}
		return out[id]
	}
	rows, err := p.db.QueryContext(ctx, `SELECT installation_id, writes, limited, paused_until FROM bumpbot_write_pace`)
	if err != nil {
		return nil, fmt.Errorf("write pacing: %w", err)
	}
	for rows.Next() {
		var id, writes, limited, paused int64
		if err := rows.Scan(&id, &writes, &limited, &paused); err != nil {
			rows.Close()
			return nil, fmt.Errorf("write pacing: %w", err)
		}
		in := get(id)
		in.Writes, in.Limited, in.PausedUntil = writes, limited, time.UnixMicro(paused)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("write pacing: %w", err)
	}
	rows, err = p.db.QueryContext(ctx, pendingQuery[p.postgres])
	if err != nil {
		return nil, fmt.Errorf("pending reconciles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("pending reconciles: %w", err)
		}
		get(id).Pending = n
	}
	return out, rows.Err()
}

// Collector exposes the pacing of every installation at /metrics: the
// writes spent, the pending reconciles and the estimated time to drain
// them.
type Collector struct {
	p                               *Pacer
	writes, limited, pending, drain *prometheus.Desc
}

// NewCollector returns the collector of p.
func NewCollector(p *Pacer) *Collector {
	l := []string{"installation_id"}
	return &Collector{p: p,
		writes:  prometheus.NewDesc("bumpbot_github_writes_total", "Writes (POST, PATCH, PUT, DELETE) sent to GitHub per installation, through the pacer, by every replica.", l, nil),
		limited: prometheus.NewDesc("bumpbot_github_write_pauses_total", "Answers to writes that asked the installation to pause (secondary or primary rate limit), per installation.", l, nil),
		pending: prometheus.NewDesc("bumpbot_reconciles_pending", "Reconciles waiting or running per installation.", l, nil),
		drain: prometheus.NewDesc("bumpbot_drain_seconds", "Estimated seconds until the pending reconciles of the installation are done at its write limits, counting "+
			strconv.Itoa(WritesPerReconcile)+" writes each (an upper bound: reconciles with nothing to change write nothing).", l, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.writes
	ch <- c.limited
	ch <- c.pending
	ch <- c.drain
}

// Collect implements prometheus.Collector; a database error leaves these
// metrics out of this scrape (and only these: /metrics still answers).
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ins, err := c.p.Installations(ctx)
	if err != nil {
		return
	}
	for id, in := range ins {
		label := strconv.FormatInt(id, 10)
		ch <- prometheus.MustNewConstMetric(c.writes, prometheus.CounterValue, float64(in.Writes), label)
		ch <- prometheus.MustNewConstMetric(c.limited, prometheus.CounterValue, float64(in.Limited), label)
		ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(in.Pending), label)
		ch <- prometheus.MustNewConstMetric(c.drain, prometheus.GaugeValue, in.Drain(c.p.limits).Seconds(), label)
	}
}
