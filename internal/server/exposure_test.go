package server_test

import (
	"testing"

	"github.com/bumpbot/bumpbot/internal/server"
)

// metrics_addr and webhook_budget_mb load from the YAML file and the
// environment, the environment winning, like the other keys.
func TestExposureConfig(t *testing.T) {
	t.Parallel()
	file := configFile(t, "metrics_addr: 127.0.0.1:9100\nwebhook_budget_mb: 48\n")
	tests := []struct {
		name, file, addr, budget string
		addrWant                 string
		budgetWant               int
		wantErr                  bool
	}{
		{name: "default"},
		{name: "yaml", file: file, addrWant: "127.0.0.1:9100", budgetWant: 48},
		{name: "environment", addr: ":9200", budget: "128", addrWant: ":9200", budgetWant: 128},
		{name: "environment wins over yaml", file: file, addr: "127.0.0.1:9300", addrWant: "127.0.0.1:9300", budgetWant: 48},
		{name: "budget not a number", budget: "lots", wantErr: true},
		{name: "budget too small for one delivery", budget: "16", wantErr: true},
	}
	for _, tc := range tests {
		cfg, err := server.LoadConfig(tc.file, envOf(map[string]string{
			"BUMPBOT_METRICS_ADDR": tc.addr, "BUMPBOT_WEBHOOK_BUDGET_MB": tc.budget,
		}))
		if (err != nil) != tc.wantErr || (!tc.wantErr && (cfg.MetricsAddr != tc.addrWant || cfg.WebhookBudgetMB != tc.budgetWant)) {
			t.Errorf("%s: metrics_addr %q, webhook_budget_mb %d, error %v; want %q, %d, error %v",
				tc.name, cfg.MetricsAddr, cfg.WebhookBudgetMB, err, tc.addrWant, tc.budgetWant, tc.wantErr)
		}
	}
}
