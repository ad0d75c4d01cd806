package server

import "github.com/prometheus/client_golang/prometheus"

// AWSMetrics counts the Lambda API calls the layer registry makes, by
// operation and outcome: layers.RegistryOptions.Observe feeds it, and
// Options.Collectors exposes it at /metrics.
type AWSMetrics struct {
	calls *prometheus.CounterVec
}

// NewAWSMetrics returns the collector.
func NewAWSMetrics() *AWSMetrics {
	return &AWSMetrics{calls: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bumpbot_aws_requests_total",
		Help: "AWS Lambda API calls of the layer registry by operation and outcome (ok, error), after the SDK's retries.",
	}, []string{"operation", "outcome"})}
}

// Observe records one call; it has the signature of layers.CallObserver.
func (m *AWSMetrics) Observe(operation string, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.calls.WithLabelValues(operation, outcome).Inc()
}

// Describe implements prometheus.Collector.
func (m *AWSMetrics) Describe(ch chan<- *prometheus.Desc) { m.calls.Describe(ch) }

// Collect implements prometheus.Collector.
func (m *AWSMetrics) Collect(ch chan<- prometheus.Metric) { m.calls.Collect(ch) }
