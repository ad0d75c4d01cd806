package jobs

import (
	"database/sql"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the job queue's Prometheus collectors.
type Metrics struct {
	runs      *prometheus.CounterVec
	duration  prometheus.Histogram
	polls     *prometheus.CounterVec
	pollRepos *prometheus.CounterVec
	paced     prometheus.Counter
}

// NewMetrics creates the collectors and registers them on reg, with a
// collector that reports River's jobs by state from db at each scrape.
func NewMetrics(reg prometheus.Registerer, db *sql.DB) *Metrics {
	m := &Metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bumpbot_reconcile_runs_total",
			Help: "Reconcile job runs by outcome (succeeded, failed, snoozed; cancelled: a final error, not retried).",
		}, []string{"outcome"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "bumpbot_reconcile_duration_seconds",
			Help:    "Wall time of one reconcile run.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 12),
		}),
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bumpbot_polls_total",
			Help: "Polls of every installed repository by outcome (succeeded; partial: some installation could not be listed; failed).",
		}, []string{"outcome"}),
		pollRepos: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bumpbot_poll_repositories_total",
			Help: "Repositories listed by polls, by result: enqueued (a new reconcile job) or coalesced (a job was already waiting or running).",
		}, []string{"result"}),
		paced: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "bumpbot_reconcile_paced_total",
			Help: "Reconcile runs snoozed, without spending an attempt, because their installation's next write slot came after the job timeout (also counted as snoozed in bumpbot_reconcile_runs_total).",
		}),
	}
	reg.MustRegister(m.runs, m.duration, m.polls, m.pollRepos, m.paced, &stateCollector{db: db, desc: prometheus.NewDesc(
		"bumpbot_jobs", "Jobs in the queue by state.", []string{"state"}, nil)})
	return m
}

func (m *Metrics) observe(outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.runs.WithLabelValues(outcome).Inc()
	m.duration.Observe(d.Seconds())
}

// pacedSnooze counts a run snoozed for its installation's write pacing.
func (m *Metrics) pacedSnooze() {
	if m == nil {
		return
	}
	m.paced.Inc()
}

// polled records one poll.
func (m *Metrics) polled(p Polled, err error) {
	if m == nil {
		return
	}
	outcome := "succeeded"
	switch {
	case err != nil && p.Listed == 0:
		outcome = "failed"
	case err != nil:
		outcome = "partial"
	}
	m.polls.WithLabelValues(outcome).Inc()
	m.pollRepos.WithLabelValues("enqueued").Add(float64(p.Inserted))
	m.pollRepos.WithLabelValues("coalesced").Add(float64(p.Listed - p.Inserted))
}

// stateCollector counts river_job rows by state when scraped.
type stateCollector struct {
	db   *sql.DB
	desc *prometheus.Desc
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	rows, err := c.db.Query(`SELECT state, count(*) FROM river_job GROUP BY state`)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n float64
		if err := rows.Scan(&state, &n); err != nil {
			ch <- prometheus.NewInvalidMetric(c.desc, err)
			return
		}
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, n, state)
	}
}
