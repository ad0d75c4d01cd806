package server_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bumpbot/bumpbot/internal/server"
)

// metrics_addr and webhook_budget_mb load from the YAML file and the
// environment, the environment winning, like the other keys.
func TestExposureConfig(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "bumpbot.yml")
	if err := os.WriteFile(file, []byte("metrics_addr: 127.0.0.1:9100\nwebhook_budget_mb: 48\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, addr, budget string
		want                     server.Exposure
		wantErr                  bool
	}{
		{name: "default"},
		{name: "yaml", file: file, want: server.Exposure{MetricsAddr: "127.0.0.1:9100", WebhookBudgetMB: 48}},
		{name: "environment", addr: ":9200", budget: "128", want: server.Exposure{MetricsAddr: ":9200", WebhookBudgetMB: 128}},
		{name: "environment wins over yaml", file: file, addr: "127.0.0.1:9300", want: server.Exposure{MetricsAddr: "127.0.0.1:9300", WebhookBudgetMB: 48}},
		{name: "budget not a number", budget: "lots", wantErr: true},
		{name: "budget too small for one delivery", budget: "16", wantErr: true},
	}
	for _, tc := range tests {
		cfg, err := server.LoadConfig(tc.file, func(k string) string {
			return map[string]string{
				"BUMPBOT_APP_ID": "1", "BUMPBOT_PRIVATE_KEY": "x", "BUMPBOT_WEBHOOK_SECRET": "s",
				"BUMPBOT_METRICS_ADDR": tc.addr, "BUMPBOT_WEBHOOK_BUDGET_MB": tc.budget,
			}[k]
		})
		if (err != nil) != tc.wantErr || (!tc.wantErr && cfg.Exposure != tc.want) {
			t.Errorf("%s: %+v, error %v; want %+v, error %v", tc.name, cfg.Exposure, err, tc.want, tc.wantErr)
		}
	}
}
