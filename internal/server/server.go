// Package server wires bumpbot serve: the webhook endpoint, the durable job
// queue, the GitHub client and the reconcile loop, plus health, metrics and
// graceful shutdown.
package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"

	"github.com/bumpbot/bumpbot/internal/awsevents"
	"github.com/bumpbot/bumpbot/internal/fleet"
	"github.com/bumpbot/bumpbot/internal/ghapp"
	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/webhook"
)

// Options are what the caller provides besides the Config.
type Options struct {
	Planner reconcile.Planner
	Logger  *slog.Logger
	// Transport for GitHub calls; http.DefaultTransport when nil.
	Transport http.RoundTripper
	// PollInterval of the job queue (default 1s).
	PollInterval time.Duration
	// ShutdownTimeout bounds how long in-flight requests and jobs may
	// finish after a stop (default 25s); jobs still running then are
	// cancelled and stay queued for the next start.
	ShutdownTimeout time.Duration
	// Collectors are more metrics to serve at /metrics (the AWS calls of
	// the layer registry, for one).
	Collectors []prometheus.Collector
	// Forget, when set, drops the layer registry's cached answers for a
	// layer version a publish or delete event names.
	Forget func(layerarn.ARN)
	// Registry, when set, is polled for new versions of every distinct
	// layer of the index (Config.LayerPollInterval).
	Registry layers.Registry
}

// Server is a running bumpbot serve.
type Server struct {
	cfg     Config
	opts    Options
	log     *slog.Logger
	db      *sql.DB
	river   *river.Client[*sql.Tx]
	queue   *jobs.Queue
	lister  jobs.Lister
	handler http.Handler
	state   *repostate.Store
	// metricsLn and metricsSrv serve /metrics apart from the public
	// listener when MetricsAddr is set.
	metricsLn  net.Listener
	metricsSrv *http.Server
	// release gives back the claim on the SQLite queue file (claim.go).
	release func() error
	// layerPoll, when set, polls the distinct layers of the index.
	layerPoll *layerPoller
}

// New opens the database (migrating it), builds the GitHub app, the queue
// and the HTTP handler. Nothing runs until Serve.
func New(ctx context.Context, cfg Config, opts Options) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if opts.Planner == nil {
		return nil, errors.New("server: a planner is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 25 * time.Second
	}
	key, err := cfg.Key()
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(opts.Collectors...)
	db, err := openDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	ghs, err := openGitHubState(ctx, db, cfg, reg)
	if err != nil {
		db.Close()
		return nil, err
	}
	app, err := ghapp.NewApp(ghapp.Config{AppID: cfg.AppID, PrivateKey: key, BaseURL: cfg.GitHubURL, Transport: opts.Transport, Metrics: ghapp.NewMetrics(reg),
		Store: ghs.cache, Writes: ghs.pacer})
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Server{cfg: cfg, opts: opts, log: opts.Logger, db: db}
	state, err := repostate.Open(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.state = state
	reg.MustRegister(newIndexCollector(state))
	runner := &ghRunner{app: app, log: opts.Logger, rec: &reconcile.Reconciler{Planner: opts.Planner, Cache: reconcile.NewStoredBlobCache(ghs.cache), Log: opts.Logger, Swept: reconcile.NewStoredSwept(ghs.cache)},
		problems: problemReporter{state: state, counter: newProblemCounter(reg), log: opts.Logger}, orgs: orgDefaults{kept: ghs.cache}}
	forget := opts.Forget
	if forget != nil && cfg.DatabaseURL != "" {
		// Several replicas: an event reaches one, every cache must hear it.
		shared := newSharedForget(db, forget, opts.Logger)
		forget, runner.fresh = shared.forget, shared.catchUp
	}
	s.lister = appLister{app}
	s.river, err = jobs.NewClient(db, jobs.Config{
		Runner: runner, Logger: opts.Logger, Metrics: jobs.NewMetrics(reg, db), Workers: cfg.Workers, PollInterval: opts.PollInterval,
		Lister: s.lister, PollEvery: cfg.PollInterval,
		JobTimeout: cfg.JobTimeout, RescueAfter: cfg.RescueAfter,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	s.queue = jobs.NewQueue(db, s.river)
	runner.fleet = s.queue
	hook, err := webhook.New([]byte(cfg.WebhookSecret), s.queue, opts.Logger, webhook.NewMetrics(reg), webhook.WithBudget(cfg.budget()),
		webhook.WithCommands(state, app.Slug), webhook.WithDashboard(state))
	if err != nil {
		db.Close()
		return nil, err
	}
	if opts.Registry != nil && cfg.LayerPollInterval > 0 {
		s.layerPoll = &layerPoller{state: state, registry: opts.Registry, queue: s.queue, regions: cfg.Regions,
			every: cfg.LayerPollInterval, log: opts.Logger, polls: newLayerPollCounter(reg)}
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/github", hook)
	if cfg.AWSEventsToken != "" {
		aws, err := awsevents.New(cfg.AWSEventsToken, awsevents.Options{
			Index: state, Queue: s.queue, Regions: cfg.Regions, Logger: opts.Logger, Forget: forget, Metrics: awsevents.NewMetrics(reg),
		})
		if err != nil {
			db.Close()
			return nil, err
		}
		mux.Handle("POST /webhooks/aws", aws)
	}
	if cfg.FleetToken != "" || cfg.signIn() {
		fv := fleet.NewHandler(state, cfg.FleetToken, cfg.Regions)
		fv.Pulls = fleet.GitHubPulls{App: app}
		if cfg.signIn() {
			err := fv.EnableSignIn(fleet.SignIn{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, GitHubURL: cfg.GitHubURL,
				SessionKey: cfg.SessionKey, Transport: opts.Transport, Logger: opts.Logger})
			if err != nil {
				db.Close()
				return nil, err
			}
		}
		mux.Handle("/fleet", fv)
		mux.Handle("/fleet/", fv)
		mux.Handle("/api/fleet/", fv)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", s.ready)
	if err := s.listenMetrics(mux, promhttp.HandlerFor(reg, promhttp.HandlerOpts{})); err != nil {
		db.Close()
		return nil, err
	}
	s.handler = recoverPanics(opts.Logger, mux)
	// Last, so no error path above has a claim to give back; before
	// Serve starts the workers, which must find the requeued jobs.
	s.claim(ctx)
	return s, nil
}

// openDB opens the job queue's database: PostgreSQL when a URL is
// configured, else the SQLite file.
func openDB(ctx context.Context, cfg Config) (*sql.DB, error) {
	if cfg.DatabaseURL == "" {
		return jobs.Open(ctx, cfg.DB)
	}
	// Each worker holds a connection to complete its job, and River's
	// fetcher, completer and maintenance, the webhooks, /readyz and the
	// metrics scrape need some beside.
	return jobs.OpenPostgres(ctx, cfg.DatabaseURL, cfg.Workers+8)
}

// Handler returns the HTTP handler (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.handler }

// Queue returns the job queue.
func (s *Server) Queue() *jobs.Queue { return s.queue }

// Poll lists every repository of every installation now and enqueues its
// reconcile, spread over the poll interval, as the periodic poll does.
func (s *Server) Poll(ctx context.Context) (jobs.Polled, error) {
	return s.queue.Poll(ctx, s.lister, s.cfg.PollInterval)
}

// Close releases the database of a server that was never served (Serve
// closes it itself).
func (s *Server) Close() error {
	s.closeMetrics()
	return errors.Join(s.db.Close(), s.release())
}

// Serve runs the job workers and serves HTTP on ln until ctx is done, then
// shuts down: stop accepting, let in-flight requests and jobs finish
// within ShutdownTimeout, cancel what is left (it stays queued in the
// database) and close the database.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer s.release() //nolint:errcheck // closing a lock file
	defer s.db.Close()
	defer s.closeMetrics()
	// River stops hard when its start context ends; shutdown is ours to
	// drive, gracefully, below.
	if err := s.river.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start job workers: %w", err)
	}
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		// Reading a 25 MiB body on a slow link still fits.
		ReadTimeout:  60 * time.Second,
		WriteTimeout: 30 * time.Second,
		IdleTimeout:  120 * time.Second,
		ErrorLog:     slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.serveMetrics()
	go s.pruneDeliveries(ctx)
	if s.layerPoll != nil {
		go s.layerPoll.run(ctx)
	}
	s.log.Info("serving", "addr", ln.Addr().String(), "metrics_addr", s.MetricsAddr(), "config", s.cfg)

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	s.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		s.log.Warn("http shutdown", "error", err)
	}
	s.shutdownMetrics(sctx)
	if err := s.river.Stop(sctx); err != nil {
		s.log.Warn("jobs did not finish in time; cancelling them (they stay queued)", "error", err)
		cctx, ccancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer ccancel()
		if err := s.river.StopAndCancel(cctx); err != nil {
			s.log.Error("job workers stop", "error", err)
		}
	}
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	return serveErr
}

// ListenAndServe listens on the configured address and calls Serve.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		s.Close()
		return fmt.Errorf("listen %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

func (s *Server) pruneDeliveries(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.queue.Prune(ctx, 7*24*time.Hour); err != nil {
				s.log.Warn("prune deliveries", "error", err)
			}
		}
	}
}

// recoverPanics answers 500 for a request whose handler panicked, logs
// it, and keeps the server up.
func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Error("request panicked", "path", r.URL.Path, "delivery_id", r.Header.Get("X-GitHub-Delivery"), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// ghRunner reconciles a repository through its installation's client.
type ghRunner struct {
	app      *ghapp.App
	rec      *reconcile.Reconciler
	log      *slog.Logger
	problems problemReporter
	orgs     orgDefaults
	// checks remembers the pull request heads already checked.
	checks checked
	// fleet records the reconciles a policy change asks for.
	fleet fleetRecorder
	// fresh, when set, forgets the cached layer answers that layer events
	// other replicas received made stale (layerevents.go).
	fresh func(context.Context) error
}

func (g *ghRunner) Reconcile(ctx context.Context, req jobs.Request) (err error) {
	inst, repo := req.InstallationID, req.Repo
	if g.fresh != nil {
		if err := g.fresh(ctx); err != nil {
			g.log.Warn("cannot read the layer events other replicas received", "installation_id", inst, "repo", repo, "error", err)
		}
	}
	c, err := g.app.Client(inst)
	if err != nil {
		return err
	}
	defer func() {
		// Uninstalled, a name GitHub would refuse, a repository of another
		// account: no retry can change the answer.
		if noRetry(err) {
			err = jobs.Final(err)
		}
	}()
	// The branch the event named, as of when it was received: saves
	// reading the repository on a cold reconcile.
	c.RememberDefaultBranchAt(repo, req.DefaultBranch, req.At)
	r, err := c.Repo(repo)
	if err != nil {
		return err
	}
	rec := *g.rec
	rec.Log = g.log.With("installation_id", inst, "repo", repo)
	src := repoConfigSource{state: g.problems.state, installation: inst, repo: repo, gh: c.GitHub(), orgs: &g.orgs, log: rec.Log}
	rec.ReadConfig, rec.Config, rec.Policy = true, src, src.Policy
	cmds := commandRun{state: g.problems.state, app: g.app, repo: r, inst: inst, name: repo, log: rec.Log}
	dash := &dashboardRun{commandRun: cmds}
	if err := dash.edits(ctx, &rec); err != nil {
		return err
	}
	if err := cmds.run(ctx, &rec); err != nil {
		return err
	}
	res, err := rec.Run(ctx, fmt.Sprintf("%d/%s", inst, repo), r)
	if !noRetry(err) {
		if err := g.orgPolicy(ctx, r, src, rec.Log); err != nil {
			rec.Log.Warn("cannot follow the org's security policy", "error", err)
		}
		g.checkPolicy(ctx, r, src, rec.Log)
	}
	if res.Planned && res.ConfigValid {
		if err := g.problems.state.SaveConfig(ctx, inst, repo, res.Config); err != nil {
			rec.Log.Warn("cannot record the repository's configuration", "error", err)
		}
	}
	if res.Planned {
		if err := g.keepConfigIssue(ctx, r, inst, repo, configProblems(res.Report.Errors)); err != nil {
			rec.Log.Warn("cannot keep the configuration issue", "error", err)
		}
		if err := g.keepStuckIssue(ctx, r, src, res.Report); err != nil {
			rec.Log.Warn("cannot keep the issue of pins no compliant version fixes", "error", err)
		}
	}
	if res.Planned {
		if err := dash.keep(ctx, res, rec.Ignores, src.Policy); err != nil {
			rec.Log.Warn("cannot keep the dashboard issue", "error", err)
		}
	}
	if res.Planned {
		// What the repository holds now; a reconcile that failed before
		// planning leaves the last known state in place.
		g.problems.report(ctx, rec.Log, inst, repo, res.Report, src.Policy)
	}
	if err != nil {
		rec.Log.Warn("reconcile failed", "error", err, "candidates", res.Candidates, "opened", res.Opened, "updated", res.Updated)
		return err
	}
	if err := dash.finish(ctx); err != nil {
		return err
	}
	rec.Log.Info("reconciled", "candidates", res.Candidates, "fetched", res.Fetched, "opened", res.Opened, "updated", res.Updated, "unchanged", res.Unchanged,
		"declined", res.Declined, "refused", res.Refused, "errors", len(res.Report.Errors), "notes", len(res.Report.Notes))
	return nil
}

// noRetry: uninstalled, a name GitHub would refuse, a repository of
// another account: no retry, and no other request, can change the answer.
func noRetry(err error) bool {
	return ghapp.IsInstallationGone(err) || errors.Is(err, ghapp.ErrBadName) || errors.Is(err, ghapp.ErrForeignRepo)
}

// appLister lists the app's repositories for the poll.
type appLister struct{ app *ghapp.App }

func (l appLister) ListRepos(ctx context.Context) ([]jobs.ReconcileArgs, error) {
	repos, err := l.app.InstalledRepos(ctx)
	out := make([]jobs.ReconcileArgs, 0, len(repos))
	for _, r := range repos {
		out = append(out, jobs.ReconcileArgs{InstallationID: r.Installation, Repo: r.FullName, DefaultBranch: r.DefaultBranch})
	}
	return out, err
}

// State returns the store of per-repository state (the problems of each
// repository's last reconcile).
func (s *Server) State() *repostate.Store { return s.state }
