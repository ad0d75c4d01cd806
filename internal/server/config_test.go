package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/server"
)

func TestPollIntervalConfig(t *testing.T) {
	t.Parallel()
	file := configFile(t, "poll_interval: 2h\n")
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
		cfg, err := server.LoadConfig(tc.file, envOf(map[string]string{
			"BUMPBOT_POLL_INTERVAL": tc.env,
		}))
		if (err != nil) != tc.wantErr || (!tc.wantErr && cfg.PollInterval != tc.want) {
			t.Errorf("%s: poll interval %v, error %v; want %v, error %v", tc.name, cfg.PollInterval, err, tc.want, tc.wantErr)
		}
	}
}

func TestDatabaseConfig(t *testing.T) {
	t.Parallel()
	file := configFile(t, "database_url: postgres://bot@db.internal/bumpbot\n")
	tests := []struct {
		name      string
		file      string
		env       map[string]string
		wantDB    string
		wantURL   string
		wantErr   string
		wantInLog string
	}{
		{name: "default SQLite file", wantDB: "bumpbot.db", wantInLog: `db=bumpbot.db`},
		{name: "PostgreSQL from the environment", env: map[string]string{"BUMPBOT_DATABASE_URL": "postgres://bot:hunter2@db/bumpbot"},
			wantDB: "bumpbot.db", wantURL: "postgres://bot:hunter2@db/bumpbot", wantInLog: "db=postgres://bot:xxxxx@db/bumpbot"},
		{name: "URL wins over BUMPBOT_DB", env: map[string]string{"BUMPBOT_DB": "q.db", "BUMPBOT_DATABASE_URL": "postgresql://db/bumpbot"},
			wantDB: "q.db", wantURL: "postgresql://db/bumpbot", wantInLog: "db=postgresql://db/bumpbot"},
		{name: "PostgreSQL from YAML", file: file, wantDB: "bumpbot.db", wantURL: "postgres://bot@db.internal/bumpbot"},
		{name: "not a PostgreSQL URL", env: map[string]string{"BUMPBOT_DATABASE_URL": "/var/lib/bumpbot.db"}, wantErr: "must be a postgres:// URL"},
	}
	for _, tc := range tests {
		cfg, err := server.LoadConfig(tc.file, envOf(tc.env))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil || cfg.DB != tc.wantDB || cfg.DatabaseURL != tc.wantURL {
			t.Errorf("%s: DB %q, DatabaseURL %q, error %v; want %q, %q", tc.name, cfg.DB, cfg.DatabaseURL, err, tc.wantDB, tc.wantURL)
		}
		if logged := cfg.LogValue().String(); !strings.Contains(logged, tc.wantInLog) || strings.Contains(logged, "hunter2") {
			t.Errorf("%s: logged as %s, want %q and no password", tc.name, logged, tc.wantInLog)
		}
	}
}
