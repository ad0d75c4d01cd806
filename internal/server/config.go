package server

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/layers"
)

// Config is the server's configuration: an optional YAML file, overridden
// by BUMPBOT_* environment variables.
type Config struct {
	AppID          int64  `yaml:"app_id"`
	PrivateKey     string `yaml:"private_key"`
	PrivateKeyFile string `yaml:"private_key_file"`
	WebhookSecret  string `yaml:"webhook_secret"`
	Addr           string `yaml:"addr"`
	DB             string `yaml:"db"`
	// DatabaseURL, a postgres:// URL, puts the job queue on PostgreSQL so
	// several replicas can share it; when set it wins over DB.
	DatabaseURL string   `yaml:"database_url"`
	GitHubURL   string   `yaml:"github_url"`
	Registry    string   `yaml:"registry"`
	Regions     []string `yaml:"regions"`
	Workers     int      `yaml:"workers"`
	// PollInterval is how often every installed repository is reconciled
	// without an event ("6h"; 0 disables): third-party layers publish
	// new versions without any event reaching the bot.
	PollInterval time.Duration `yaml:"poll_interval"`

	// Exposure of the public listener: where metrics are served and how
	// much memory webhook bodies may hold at once.
	Exposure `yaml:",inline"`
}

// DefaultPollInterval is the default PollInterval.
const DefaultPollInterval = 6 * time.Hour

// LoadConfig reads the YAML file at path (skipped when empty) and then the
// environment through getenv, and checks the result.
func LoadConfig(path string, getenv func(string) string) (Config, error) {
	cfg := Config{Addr: ":8080", DB: "bumpbot.db", Registry: "aws", Workers: 4, PollInterval: DefaultPollInterval}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil {
			return Config{}, fmt.Errorf("config %s: %w", path, err)
		}
	}
	str := map[string]*string{
		"BUMPBOT_PRIVATE_KEY": &cfg.PrivateKey, "BUMPBOT_PRIVATE_KEY_FILE": &cfg.PrivateKeyFile,
		"BUMPBOT_WEBHOOK_SECRET": &cfg.WebhookSecret, "BUMPBOT_ADDR": &cfg.Addr, "BUMPBOT_DB": &cfg.DB,
		"BUMPBOT_DATABASE_URL": &cfg.DatabaseURL,
		"BUMPBOT_GITHUB_URL":   &cfg.GitHubURL, "BUMPBOT_REGISTRY": &cfg.Registry,
	}
	for k, p := range str {
		if v := getenv(k); v != "" {
			*p = v
		}
	}
	for k, p := range map[string]*int64{"BUMPBOT_APP_ID": &cfg.AppID} {
		if v := getenv(k); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return Config{}, fmt.Errorf("config: %s=%q is not a number", k, v)
			}
			*p = n
		}
	}
	if v := getenv("BUMPBOT_POLL_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return Config{}, fmt.Errorf("config: BUMPBOT_POLL_INTERVAL=%q is not a duration (like 6h, or 0 to disable)", v)
		}
		cfg.PollInterval = d
	}
	if v := getenv("BUMPBOT_REGIONS"); v != "" {
		cfg.Regions = layers.SplitRegions(v)
	}
	if err := cfg.Exposure.load(getenv); err != nil {
		return Config{}, err
	}
	return cfg, cfg.validate()
}

func (c *Config) validate() error {
	var errs []error
	if c.WebhookSecret == "" {
		errs = append(errs, errors.New("BUMPBOT_WEBHOOK_SECRET is required: without it anyone could post webhooks"))
	}
	if c.AppID <= 0 {
		errs = append(errs, errors.New("BUMPBOT_APP_ID is required"))
	}
	if c.PrivateKey == "" && c.PrivateKeyFile == "" {
		errs = append(errs, errors.New("BUMPBOT_PRIVATE_KEY or BUMPBOT_PRIVATE_KEY_FILE is required"))
	}
	switch {
	case c.DatabaseURL != "" && !jobs.IsPostgresURL(c.DatabaseURL):
		errs = append(errs, errors.New("BUMPBOT_DATABASE_URL must be a postgres:// URL"))
	case c.DatabaseURL == "" && c.DB == "":
		errs = append(errs, errors.New("BUMPBOT_DB must name a file (or set BUMPBOT_DATABASE_URL)"))
	}
	// River runs periodic jobs no more often than every second.
	if c.PollInterval < 0 || (c.PollInterval > 0 && c.PollInterval < time.Second) {
		errs = append(errs, fmt.Errorf("BUMPBOT_POLL_INTERVAL=%s: use 0 (off) or at least 1s", c.PollInterval))
	}
	errs = append(errs, c.Exposure.validate())
	return errors.Join(errs...)
}

// Key returns the PEM private key, read from PrivateKeyFile when set.
func (c *Config) Key() ([]byte, error) {
	if c.PrivateKey != "" {
		return []byte(c.PrivateKey), nil
	}
	b, err := os.ReadFile(c.PrivateKeyFile)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	return b, nil
}

// database names the job queue's database for logs: the SQLite file, or
// the PostgreSQL URL without its password.
func (c Config) database() string {
	if c.DatabaseURL == "" {
		return c.DB
	}
	return jobs.RedactURL(c.DatabaseURL)
}

// LogValue hides the secrets when a Config is logged.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int64("app_id", c.AppID), slog.String("addr", c.Addr), slog.String("db", c.database()),
		slog.String("github_url", c.GitHubURL), slog.String("registry", c.Registry),
		slog.Any("regions", c.Regions), slog.Int("workers", c.Workers), slog.String("poll_interval", c.PollInterval.String()),
		slog.Bool("private_key_set", c.PrivateKey != "" || c.PrivateKeyFile != ""),
		slog.String("metrics_addr", c.MetricsAddr), slog.Int("webhook_budget_mb", c.WebhookBudgetMB),
	)
}
