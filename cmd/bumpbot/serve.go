package main

import (
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/server"
)

func init() { register(newServeCmd) }

func newServeCmd() *cobra.Command {
	var lf layerFlags
	var af advisoryFlags
	var configPath, regions string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the GitHub App: receive webhooks, reconcile repositories, open pull requests",
		Long: `serve runs bumpbot as a GitHub App. Configuration comes from an optional
YAML file (--config) overridden by the environment:

  BUMPBOT_APP_ID                 the GitHub App id (required)
  BUMPBOT_PRIVATE_KEY            the app's PEM private key, or
  BUMPBOT_PRIVATE_KEY_FILE       a file holding it (one is required)
  BUMPBOT_WEBHOOK_SECRET         the webhook secret (required)
  BUMPBOT_ADDR                   listen address (default :8080)
  BUMPBOT_DB                     SQLite file of the job queue (default bumpbot.db)
  BUMPBOT_DATABASE_URL           postgres:// URL: the job queue on PostgreSQL,
                                 shared by several replicas (wins over
                                 BUMPBOT_DB)
  BUMPBOT_GITHUB_URL             REST API root for GitHub Enterprise Server
  BUMPBOT_POLL_INTERVAL          reconcile every repository this often without
                                 an event (default 24h; 0 disables): what
                                 events and the layer poll missed
  BUMPBOT_LAYER_POLL_INTERVAL    resolve every distinct pinned layer this
                                 often (default 1h; 0 disables) and reconcile
                                 only the repositories that can move: new
                                 versions of third-party layers send no event
  BUMPBOT_REGISTRY               aws (default) or dir:PATH
  BUMPBOT_LOG_LEVEL              debug, info (default), warn or error; debug
                                 adds a line per accepted webhook delivery
  BUMPBOT_ADVISORIES             a folder of OSV advisories (or --advisories):
                                 pull requests list those a bump fixes or
                                 introduces in the layer's packages
  BUMPBOT_FLEET_TOKEN            enables the fleet view (/fleet, /api/fleet/),
                                 readable with it as a bearer token or a
                                 basic-auth password
  BUMPBOT_AWS_EVENTS_TOKEN       enables POST /webhooks/aws (layer-publish
                                 events from EventBridge), which requires
                                 it in the X-Bumpbot-Token header
  BUMPBOT_REGIONS                regions for ARNs whose region is a
                                 placeholder (default AWS_REGION, else
                                 AWS_DEFAULT_REGION)
  BUMPBOT_METRICS_ADDR           serve /metrics on this address only (not on
                                 the public port)
  BUMPBOT_WEBHOOK_BUDGET_MB      MiB of webhook bodies read at once (default
                                 64, at least 32); more get 503 unread
  BUMPBOT_JOB_TIMEOUT            time limit of one reconcile (default 5m): a
                                 stuck repository frees its worker after it
  BUMPBOT_RESCUE_AFTER           a job still "running" this long belonged to a
                                 dead process and runs again (default the
                                 timeout plus a fifth; must exceed it)
  BUMPBOT_WRITE_LIMITS           windows each installation's writes to GitHub
                                 are paced within, N/DURATION,... (default
                                 80/1m,500/1h: GitHub's secondary limits);
                                 kept in the database, shared by replicas
  BUMPBOT_WORKERS                reconciles at once, and so parallel reads
                                 (default 4); writes go one at a time
  BUMPBOT_GITHUB_CACHE_MB        MiB of GitHub answers and files kept in the
                                 database across restarts (default 256)

Precedence: flags, then the environment, then the file, then defaults.
Exit status: 1 when the file cannot be read or the server fails, 2 when
a setting is missing or malformed (each problem on its own line).

Endpoints: POST /webhooks/github, POST /webhooks/aws (when enabled),
GET /healthz, /readyz, /metrics.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var flags server.Flags
			if cmd.Flags().Changed("registry") {
				flags.Registry = &lf.registry
			}
			if cmd.Flags().Changed("regions") {
				flags.Regions = &regions
			}
			cfg, err := server.LoadConfigWith(configPath, os.Getenv, flags)
			if _, ok := errors.AsType[*config.LoadError](err); ok {
				return err
			}
			if err != nil {
				return usagef("%v", err)
			}
			lf.registry = cfg.Registry
			var level slog.Level
			if v := os.Getenv("BUMPBOT_LOG_LEVEL"); v != "" {
				if err := level.UnmarshalText([]byte(v)); err != nil {
					return usagef("BUMPBOT_LOG_LEVEL=%q: want debug, info, warn or error", v)
				}
			}
			log := slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			cmd.SetContext(ctx)
			awsMetrics := server.NewAWSMetrics()
			lf.observe = awsMetrics.Observe
			b, err := lf.open(cmd)
			if err != nil {
				return err
			}
			if len(af.paths) == 0 && cfg.Advisories != "" {
				af.paths = []string{cfg.Advisories}
			}
			if err := af.apply(b); err != nil {
				return err
			}
			planner := reconcile.BumpPlanner{Registry: b.Registry, Options: bump.Options{Regions: cfg.Regions, Changelog: bump.PackageChangelog{Builder: b}}}
			opts := server.Options{Planner: planner, Logger: log, Collectors: []prometheus.Collector{awsMetrics}, Registry: b.Registry}
			if c, ok := b.Registry.(*layers.Cache); ok {
				opts.Forget = c.Forget
			}
			srv, err := server.New(ctx, cfg, opts)
			if err != nil {
				return err
			}
			return srv.ListenAndServe(ctx)
		},
	}
	lf.add(cmd)
	af.add(cmd)
	f := cmd.Flags()
	f.StringVar(&configPath, "config", "", "YAML configuration file (environment variables override it)")
	f.StringVar(&regions, "regions", "", "comma-separated regions for ARNs whose region is a placeholder (default: BUMPBOT_REGIONS, the file's regions, AWS_REGION or AWS_DEFAULT_REGION)")
	return cmd
}
