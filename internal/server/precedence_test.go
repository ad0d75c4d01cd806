package server_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/server"
)

// Regions and the registry are layered in one place: flags, then the
// environment, then the file, then defaults (AWS_REGION, else
// AWS_DEFAULT_REGION). Before, serve's --regions defaulted to AWS_REGION
// and silently overrode BUMPBOT_REGIONS.
func TestConfigPrecedence(t *testing.T) {
	t.Parallel()
	file := configFile(t, "regions: [eu-central-1]\nregistry: dir:from-file\n")
	str := func(s string) *string { return &s }
	tests := []struct {
		name         string
		file         string
		env          map[string]string
		flags        server.Flags
		wantRegions  string
		wantRegistry string
	}{
		{name: "defaults", wantRegistry: "aws"},
		{name: "AWS_REGION", env: map[string]string{"AWS_REGION": "us-west-2"}, wantRegions: "us-west-2", wantRegistry: "aws"},
		{name: "AWS_DEFAULT_REGION", env: map[string]string{"AWS_DEFAULT_REGION": "ap-south-1"}, wantRegions: "ap-south-1", wantRegistry: "aws"},
		{name: "BUMPBOT_REGIONS over AWS_REGION", env: map[string]string{"AWS_REGION": "us-west-2", "BUMPBOT_REGIONS": "eu-west-1,eu-west-3"},
			wantRegions: "eu-west-1,eu-west-3", wantRegistry: "aws"},
		{name: "file over AWS_REGION", file: file, env: map[string]string{"AWS_REGION": "us-west-2"}, wantRegions: "eu-central-1", wantRegistry: "dir:from-file"},
		{name: "environment over file", file: file, env: map[string]string{"BUMPBOT_REGIONS": "eu-west-1", "BUMPBOT_REGISTRY": "dir:from-env"},
			wantRegions: "eu-west-1", wantRegistry: "dir:from-env"},
		{name: "flags over everything", file: file, env: map[string]string{"BUMPBOT_REGIONS": "eu-west-1", "BUMPBOT_REGISTRY": "dir:from-env"},
			flags: server.Flags{Regions: str("us-gov-west-1"), Registry: str("aws")}, wantRegions: "us-gov-west-1", wantRegistry: "aws"},
	}
	for _, tc := range tests {
		cfg, err := server.LoadConfigWith(tc.file, envOf(tc.env), tc.flags)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := strings.Join(cfg.Regions, ","); got != tc.wantRegions || cfg.Registry != tc.wantRegistry {
			t.Errorf("%s: regions %q registry %q, want %q %q", tc.name, got, cfg.Registry, tc.wantRegions, tc.wantRegistry)
		}
	}
}

// A file that cannot be read is a LoadError; mistakes in one are
// ParseErrors at their line and column, every one of them; a malformed
// region stops the start wherever it comes from.
func TestConfigErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yml")
	if err := os.WriteFile(bad, []byte("addr: :9000\nworkers: many\npoll_intervall: 1h\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := server.LoadConfigWith(filepath.Join(dir, "missing.yml"), envOf(nil), server.Flags{})
	if le, ok := errors.AsType[*config.LoadError](err); !ok || !errors.Is(le, os.ErrNotExist) {
		t.Errorf("missing file: %v, want a LoadError", err)
	}
	_, err = server.LoadConfigWith(bad, envOf(nil), server.Flags{})
	pe, ok := errors.AsType[config.ParseErrors](err)
	if !ok || len(pe) != 2 || pe[0].Line != 2 || pe[0].Column != 10 || !strings.Contains(pe[0].Message, `"many" is not a whole number`) ||
		pe[1].Line != 3 || pe[1].Column != 1 || !strings.Contains(pe[1].Message, `unknown key "poll_intervall"`) {
		t.Errorf("bad file: %v, want two located parse errors", err)
	}
	if !strings.Contains(err.Error(), bad+":2:10: ") {
		t.Errorf("message %q lacks file:line:col", err)
	}
	for _, env := range []map[string]string{{"BUMPBOT_REGIONS": "us-east-1,useast1"}, {"AWS_REGION": "Europe"}} {
		if _, err := server.LoadConfigWith("", envOf(env), server.Flags{}); err == nil || !strings.Contains(err.Error(), "is not an AWS region name") {
			t.Errorf("%v: %v, want a malformed region refused", env, err)
		}
	}
}

// envOf returns a getenv over the required settings plus env.
func envOf(env map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return map[string]string{"BUMPBOT_APP_ID": "1", "BUMPBOT_PRIVATE_KEY": "x", "BUMPBOT_WEBHOOK_SECRET": "s"}[k]
	}
}

// configFile writes a serve configuration file holding body.
func configFile(t *testing.T, body string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "bumpbot.yml")
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}
