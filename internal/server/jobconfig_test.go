package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/server"
)

func TestJobTimeoutConfig(t *testing.T) {
	t.Parallel()
	file := configFile(t, "job_timeout: 2m\nrescue_after: 3m\n")
	tests := []struct {
		name                 string
		file                 string
		timeout, rescue      string
		wantTimeout, wantRes time.Duration
		wantErr              string
	}{
		{name: "defaults", wantTimeout: 5 * time.Minute, wantRes: 6 * time.Minute},
		{name: "yaml", file: file, wantTimeout: 2 * time.Minute, wantRes: 3 * time.Minute},
		{name: "environment wins over yaml", file: file, timeout: "10s", rescue: "15s", wantTimeout: 10 * time.Second, wantRes: 15 * time.Second},
		{name: "rescue follows the timeout", timeout: "10m", wantTimeout: 10 * time.Minute, wantRes: 12 * time.Minute},
		{name: "rescue not after the timeout", timeout: "1m", rescue: "1m", wantErr: "BUMPBOT_RESCUE_AFTER=1m0s must exceed BUMPBOT_JOB_TIMEOUT=1m0s"},
		{name: "timeout too short", timeout: "10ms", rescue: "1m", wantErr: "BUMPBOT_JOB_TIMEOUT=10ms: use at least 1s"},
		{name: "not a duration", timeout: "soon", wantErr: `BUMPBOT_JOB_TIMEOUT="soon" is not a duration`},
	}
	for _, tc := range tests {
		cfg, err := server.LoadConfig(tc.file, envOf(map[string]string{
			"BUMPBOT_JOB_TIMEOUT": tc.timeout, "BUMPBOT_RESCUE_AFTER": tc.rescue,
		}))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil || cfg.JobTimeout != tc.wantTimeout || cfg.RescueAfter != tc.wantRes {
			t.Errorf("%s: timeout %v, rescue %v, error %v; want %v, %v", tc.name, cfg.JobTimeout, cfg.RescueAfter, err, tc.wantTimeout, tc.wantRes)
		}
	}
}
