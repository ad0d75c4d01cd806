package server_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bumpbot/bumpbot/internal/server"
)

func TestAWSMetrics(t *testing.T) {
	t.Parallel()
	m := server.NewAWSMetrics()
	m.Observe("GetLayerVersion", nil)
	m.Observe("GetLayerVersion", nil)
	m.Observe("GetLayerVersionByArn", errors.New("throttled"))
	reg := prometheus.NewRegistry()
	reg.MustRegister(m)
	want := `
# HELP bumpbot_aws_requests_total AWS Lambda API calls of the layer registry by operation and outcome (ok, error), after the SDK's retries.
# TYPE bumpbot_aws_requests_total counter
bumpbot_aws_requests_total{operation="GetLayerVersion",outcome="ok"} 2
bumpbot_aws_requests_total{operation="GetLayerVersionByArn",outcome="error"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "bumpbot_aws_requests_total"); err != nil {
		t.Error(err)
	}
}
