package jobs

import (
	"database/sql"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the job queue's Prometheus collectors.
type Metrics struct {
	runs     *prometheus.CounterVec
	duration prometheus.Histogram
}

// NewMetrics creates the collectors and registers them on reg, with a
// collector that reports River's jobs by state from db at each scrape.
func NewMetrics(reg prometheus.Registerer, db *sql.DB) *Metrics {
	m := &Metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bumpbot_reconcile_runs_total",
			Help: "Reconcile job runs by outcome (succeeded, failed, snoozed).",
		}, []string{"outcome"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "bumpbot_reconcile_duration_seconds",
			Help:    "Wall time of one reconcile run.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 12),
		}),
	}
	reg.MustRegister(m.runs, m.duration, &stateCollector{db: db, desc: prometheus.NewDesc(
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
