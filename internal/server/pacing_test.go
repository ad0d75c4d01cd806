package server_test

import (
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/server"
)

// The write limits, the GitHub cache's size and the workers come from the
// YAML file or the environment; a malformed limit is refused with the
// column of the item at fault.
func TestPacingConfig(t *testing.T) {
	t.Parallel()
	file := configFile(t, "write_limits: 40/1m,300/1h\ngithub_cache_mb: 64\nworkers: 6\n")
	tests := []struct {
		name, file string
		env        map[string]string
		limits     string
		cacheMB    int
		workers    int
		wantErr    string
	}{
		{name: "defaults", limits: "80/1m,500/1h", workers: 4},
		{name: "yaml", file: file, limits: "40/1m,300/1h", cacheMB: 64, workers: 6},
		{name: "environment wins", file: file, env: map[string]string{"BUMPBOT_WRITE_LIMITS": "80/1s,500/6s", "BUMPBOT_WORKERS": "8", "BUMPBOT_GITHUB_CACHE_MB": "32"},
			limits: "80/1s,500/6s", cacheMB: 32, workers: 8},
		{name: "bad count", env: map[string]string{"BUMPBOT_WRITE_LIMITS": "80/1m,5x0/1h"},
			wantErr: `BUMPBOT_WRITE_LIMITS: write limits "80/1m,5x0/1h": column 7 ("5x0/1h"): count "5x0" is not a positive whole number`},
		{name: "bad duration", env: map[string]string{"BUMPBOT_WRITE_LIMITS": "80/soon"}, wantErr: `column 1 ("80/soon"): duration "soon"`},
		{name: "workers not a number", env: map[string]string{"BUMPBOT_WORKERS": "many"}, wantErr: `BUMPBOT_WORKERS="many" is not a number`},
		{name: "negative cache", env: map[string]string{"BUMPBOT_GITHUB_CACHE_MB": "-1"}, wantErr: "BUMPBOT_GITHUB_CACHE_MB=-1"},
	}
	for _, tc := range tests {
		cfg, err := server.LoadConfig(tc.file, envOf(tc.env))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil || cfg.WriteLimits != tc.limits || cfg.GitHubCacheMB != tc.cacheMB || cfg.Workers != tc.workers {
			t.Errorf("%s: limits %q, cache %d MiB, workers %d, error %v; want %q, %d, %d", tc.name, cfg.WriteLimits, cfg.GitHubCacheMB, cfg.Workers, err, tc.limits, tc.cacheMB, tc.workers)
		}
	}
}
