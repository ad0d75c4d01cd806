package server_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/server"
)

func TestPollIntervalConfig(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "bumpbot.yml")
	if err := os.WriteFile(file, []byte("poll_interval: 2h\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		file    string
		env     string
		want    time.Duration
		wantErr bool
	}{
		{name: "default", want: server.DefaultPollInterval},
		{name: "environment", env: "30m", want: 30 * time.Minute},
		{name: "disabled", env: "0", want: 0},
		{name: "yaml", file: file, want: 2 * time.Hour},
		{name: "environment wins over yaml", file: file, env: "1h", want: time.Hour},
		{name: "not a duration", env: "often", wantErr: true},
		{name: "below a second", env: "500ms", wantErr: true},
		{name: "negative", env: "-1h", wantErr: true},
	}
	for _, tc := range tests {
		cfg, err := server.LoadConfig(tc.file, func(k string) string {
			return map[string]string{
				"BUMPBOT_APP_ID": "1", "BUMPBOT_PRIVATE_KEY": "x", "BUMPBOT_WEBHOOK_SECRET": "s",
				"BUMPBOT_POLL_INTERVAL": tc.env,
			}[k]
		})
		if (err != nil) != tc.wantErr || (!tc.wantErr && cfg.PollInterval != tc.want) {
			t.Errorf("%s: poll interval %v, error %v; want %v, error %v", tc.name, cfg.PollInterval, err, tc.want, tc.wantErr)
		}
	}
}
