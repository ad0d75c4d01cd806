package ghapp

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the GitHub client's Prometheus collectors.
type Metrics struct {
	calls     *prometheus.CounterVec
	errors    prometheus.Counter
	remaining *prometheus.GaugeVec
	limits    *prometheus.CounterVec
	prs       *prometheus.CounterVec
}

// NewMetrics creates the collectors and registers them on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bumpbot_github_requests_total",
			Help: "GitHub API requests sent on the wire, by method and status (304 answers cost no rate limit).",
		}, []string{"method", "code"}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "bumpbot_github_errors_total",
			Help: "GitHub API requests that failed: transport errors, 403, 429 and 5xx.",
		}),
		remaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "bumpbot_github_rate_limit_remaining",
			Help: "REST (core) requests left in the current rate-limit window, per installation, from GitHub's X-RateLimit-Remaining.",
		}, []string{"installation_id"}),
		limits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bumpbot_github_secondary_rate_limits_total",
			Help: "Secondary rate limits GitHub answered, by outcome: waited (requests held until Retry-After, or until canceled, then sent again) or gave_up (the wait was too long; the job fails and is retried later).",
		}, []string{"outcome"}),
		prs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bumpbot_pull_requests_total",
			Help: "Pull requests the bot opened or updated.",
		}, []string{"action"}),
	}
	reg.MustRegister(m.calls, m.errors, m.remaining, m.limits, m.prs)
	return m
}

// pr counts a pull request action; a nil Metrics records nothing.
func (m *Metrics) pr(action string) {
	if m != nil {
		m.prs.WithLabelValues(action).Inc()
	}
}

// secondary counts a secondary rate limit; a nil Metrics records nothing.
func (m *Metrics) secondary(outcome string) {
	if m != nil {
		m.limits.WithLabelValues(outcome).Inc()
	}
}
