package webhook

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the webhook endpoint's Prometheus collectors.
type Metrics struct {
	total    *prometheus.CounterVec
	duration prometheus.Histogram
}

// NewMetrics creates the collectors and registers them on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		total: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bumpbot_webhooks_total",
			Help: "Webhook deliveries by event and outcome (queued, duplicate, ignored, bad_signature, too_large, busy, malformed, error).",
		}, []string{"event", "outcome"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "bumpbot_webhook_duration_seconds",
			Help:    "Time to answer a webhook delivery, recording included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
	}
	reg.MustRegister(m.total, m.duration)
	return m
}

func (m *Metrics) observe(event, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	if !handled[event] && event != "ping" {
		event = "other" // bounded label values whatever GitHub sends
	}
	m.total.WithLabelValues(event, outcome).Inc()
	m.duration.Observe(d.Seconds())
}
