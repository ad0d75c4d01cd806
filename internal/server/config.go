package server

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/jobs"
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
	// LayerPollInterval is how often every distinct layer of the layer
	// index is resolved ("1h"; 0 disables): a new version reconciles only
	// the repositories that can move to it.
	LayerPollInterval time.Duration `yaml:"layer_poll_interval"`

	// AWSEventsToken enables POST /webhooks/aws (layer-publish events
	// from an EventBridge API destination), which then requires it in
	// the X-Bumpbot-Token header; empty disables the endpoint (404).
	AWSEventsToken string `yaml:"aws_events_token"`
	// ClientID and ClientSecret are the App's OAuth credentials, which
	// `bumpbot app register` writes beside the others.
	// With both set, people sign in to the fleet view with GitHub.
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret"`
	// SessionKey signs the fleet view's session cookies; empty: a key
	// derived from ClientSecret (fleet.SessionKeyFrom).
	SessionKey string `yaml:"session_key"`
	// Advisories is a folder (or file) of OSV advisories the changelogs of
	// pull requests match against the layers' packages.
	Advisories string `yaml:"advisories"`
	// FleetToken enables the fleet view (/fleet, /api/fleet/...), readable
	// with it as a bearer token or a basic-auth password; empty: 404.
	FleetToken string `yaml:"fleet_token"`

	// What the public listener exposes and what it may cost (exposure.go).

	// MetricsAddr, when set, serves /metrics on its own listener (an
	// address only the scraper reaches) and not on the public one.
	MetricsAddr string `yaml:"metrics_addr"`
	// WebhookBudgetMB bounds the MiB of webhook bodies read at once
	// (0: webhook.DefaultBudget, 64): forged deliveries beyond it are
	// answered 503 without being read.
	WebhookBudgetMB int `yaml:"webhook_budget_mb"`

	// JobTimeout bounds one reconcile ("5m"): a stuck call or a hostile
	// repository frees its worker for the others after it.
	JobTimeout time.Duration `yaml:"job_timeout"`
	// RescueAfter is how long a job may stay running before it is taken
	// for the job of a killed process and run again; it must exceed
	// JobTimeout (default: JobTimeout plus a fifth, 6m).
	RescueAfter time.Duration `yaml:"rescue_after"`

	// GitHub's budget (pacing.go).

	// WriteLimits are the windows each installation's writes to GitHub
	// are paced within, "80/1m,500/1h" (GitHub's secondary limits).
	WriteLimits string `yaml:"write_limits"`
	// GitHubCacheMB bounds the GitHub cache kept in the database (ETag
	// answers, files read); 0: 256.
	GitHubCacheMB int `yaml:"github_cache_mb"`
}

// DefaultPollInterval is the default PollInterval: the poll per layer
// finds new versions; this one catches what events and that poll missed.
const DefaultPollInterval = 24 * time.Hour

// Flags are the settings given on the command line, which win over the
// environment and the file; a nil field was not given.
type Flags struct {
	Registry *string
	Regions  *string
}

// LoadConfig reads the YAML file at path (skipped when empty) and then the
// environment through getenv, and checks the result.
func LoadConfig(path string, getenv func(string) string) (Config, error) {
	return LoadConfigWith(path, getenv, Flags{})
}

// LoadConfigWith is the one place serve's settings are layered: flags,
// then the environment, then the file at path, then defaults (regions
// default to AWS_REGION or AWS_DEFAULT_REGION). A file that cannot be read
// is a *config.LoadError; mistakes in it are config.ParseErrors, each
// with its line and column.
func LoadConfigWith(path string, getenv func(string) string, flags Flags) (Config, error) {
	cfg := Config{Addr: ":8080", DB: "bumpbot.db", Registry: "aws", Workers: 4, PollInterval: DefaultPollInterval, LayerPollInterval: DefaultLayerPollInterval,
		JobTimeout: jobs.DefaultJobTimeout}
	if path != "" {
		if err := config.LoadYAML(path, &cfg); err != nil {
			return Config{}, err
		}
	}
	fileRegions := cfg.Regions
	str := map[string]*string{
		"BUMPBOT_PRIVATE_KEY": &cfg.PrivateKey, "BUMPBOT_PRIVATE_KEY_FILE": &cfg.PrivateKeyFile,
		"BUMPBOT_WEBHOOK_SECRET": &cfg.WebhookSecret, "BUMPBOT_ADDR": &cfg.Addr, "BUMPBOT_DB": &cfg.DB,
		"BUMPBOT_DATABASE_URL": &cfg.DatabaseURL,
		"BUMPBOT_GITHUB_URL":   &cfg.GitHubURL, "BUMPBOT_REGISTRY": &cfg.Registry,
		"BUMPBOT_AWS_EVENTS_TOKEN": &cfg.AWSEventsToken, "BUMPBOT_FLEET_TOKEN": &cfg.FleetToken, "BUMPBOT_ADVISORIES": &cfg.Advisories,
		"BUMPBOT_CLIENT_ID": &cfg.ClientID, "BUMPBOT_CLIENT_SECRET": &cfg.ClientSecret,
		"BUMPBOT_SESSION_KEY": &cfg.SessionKey,
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
	durations := []struct {
		env, like string
		p         *time.Duration
	}{
		{"BUMPBOT_POLL_INTERVAL", "24h, or 0 to disable", &cfg.PollInterval},
		{"BUMPBOT_LAYER_POLL_INTERVAL", "1h, or 0 to disable", &cfg.LayerPollInterval},
		{"BUMPBOT_JOB_TIMEOUT", "5m", &cfg.JobTimeout},
		{"BUMPBOT_RESCUE_AFTER", "6m", &cfg.RescueAfter},
	}
	for _, d := range durations {
		if v := getenv(d.env); v != "" {
			n, err := time.ParseDuration(v)
			if err != nil {
				return Config{}, fmt.Errorf("config: %s=%q is not a duration (like %s)", d.env, v, d.like)
			}
			*d.p = n
		}
	}
	if cfg.RescueAfter == 0 {
		// Unset: in proportion to the timeout (6m for the default 5m).
		cfg.RescueAfter = cfg.JobTimeout + cfg.JobTimeout/5
	}
	if flags.Registry != nil {
		cfg.Registry = *flags.Registry
	}
	if err := cfg.loadExposure(getenv); err != nil {
		return Config{}, err
	}
	if err := cfg.loadPacing(getenv); err != nil {
		return Config{}, err
	}
	var flagRegions config.Value
	if flags.Regions != nil {
		flagRegions = config.Flag("regions", *flags.Regions, true)
	}
	regions := config.First(flagRegions, config.Env(getenv, "BUMPBOT_REGIONS"),
		config.File("regions", strings.Join(fileRegions, ",")), config.DefaultRegion(getenv))
	rs, err := config.Regions(regions)
	if err != nil {
		return Config{}, err
	}
	cfg.Regions = rs
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
	if c.LayerPollInterval < 0 || (c.LayerPollInterval > 0 && c.LayerPollInterval < time.Second) {
		errs = append(errs, fmt.Errorf("BUMPBOT_LAYER_POLL_INTERVAL=%s: use 0 (off) or at least 1s", c.LayerPollInterval))
	}
	errs = append(errs, c.validateSignIn()...)
	errs = append(errs, c.validateExposure())
	errs = append(errs, c.validateJobTimes()...)
	errs = append(errs, c.validatePacing()...)
	return errors.Join(errs...)
}

// validateJobTimes checks the job timeout and the rescue delay. River
// never rescues a job before its timeout has passed, and a rescue at the
// timeout could run a repository twice at once while the first attempt
// is still winding down: the rescue must come later.
func (c *Config) validateJobTimes() []error {
	var errs []error
	if c.JobTimeout < time.Second {
		errs = append(errs, fmt.Errorf("BUMPBOT_JOB_TIMEOUT=%s: use at least 1s", c.JobTimeout))
	}
	if c.RescueAfter <= c.JobTimeout {
		errs = append(errs, fmt.Errorf("BUMPBOT_RESCUE_AFTER=%s must exceed BUMPBOT_JOB_TIMEOUT=%s", c.RescueAfter, c.JobTimeout))
	}
	return errs
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
		slog.Any("regions", c.Regions), slog.Int("workers", c.Workers), slog.String("poll_interval", c.PollInterval.String()), slog.String("layer_poll_interval", c.LayerPollInterval.String()),
		slog.String("job_timeout", c.JobTimeout.String()), slog.String("write_limits", c.WriteLimits), slog.String("rescue_after", c.RescueAfter.String()),
		slog.Bool("private_key_set", c.PrivateKey != "" || c.PrivateKeyFile != ""),
		slog.String("metrics_addr", c.MetricsAddr), slog.Int("webhook_budget_mb", c.WebhookBudgetMB),
		slog.Bool("aws_events", c.AWSEventsToken != ""), slog.Bool("fleet_view", c.FleetToken != ""), slog.Bool("fleet_sign_in", c.signIn()),
	)
}

// validateSignIn refuses half the App's OAuth credentials (sign-in would
// be silently off) and a session key short enough to guess.
func (c Config) validateSignIn() []error {
	var errs []error
	if (c.ClientID == "") != (c.ClientSecret == "") {
		errs = append(errs, errors.New("BUMPBOT_CLIENT_ID and BUMPBOT_CLIENT_SECRET go together: set both to let people sign in to the fleet view, or neither"))
	}
	if c.SessionKey != "" && len(c.SessionKey) < 32 {
		errs = append(errs, errors.New("BUMPBOT_SESSION_KEY must be at least 32 characters (a random value)"))
	}
	return errs
}

// signIn reports whether people may sign in to the fleet view with
// GitHub: the App's OAuth credentials are both set.
func (c Config) signIn() bool { return c.ClientID != "" && c.ClientSecret != "" }
