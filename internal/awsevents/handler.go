package awsevents

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/repostate"
)

// MaxBody is the largest event accepted: EventBridge events are at most
// 256 KB.
const MaxBody = 256 << 10

// TokenHeader carries the shared token, as an EventBridge connection of
// authorization type API_KEY sends it.
const TokenHeader = "X-Bumpbot-Token"

// Index is the part of the layer index the handler reads.
type Index interface {
	Pinning(ctx context.Context, account, layer string) ([]repostate.Pin, error)
}

// Recorder records an event's id and the reconciles it asks for in one
// transaction (jobs.Queue): a redelivered event does nothing.
type Recorder interface {
	Record(ctx context.Context, delivery, event string, reqs []jobs.ReconcileArgs) (jobs.Recorded, error)
}

// Handler serves POST /webhooks/aws.
type Handler struct {
	token   []byte
	index   *lookups
	queue   Recorder
	regions []string // what a placeholder region stands for; empty: any
	log     *slog.Logger
	// forget, when set, drops the registry's cached answers for a layer
	// version the event says changed.
	forget  func(layerarn.ARN)
	metrics *Metrics
}

// Options are the handler's collaborators besides its token.
type Options struct {
	Index   Index
	Queue   Recorder
	Regions []string
	Logger  *slog.Logger
	Forget  func(layerarn.ARN)
	Metrics *Metrics
}

// New returns the handler; it refuses an empty token, since the endpoint
// would then take anyone's word for a publish.
func New(token string, opts Options) (*Handler, error) {
	if token == "" {
		return nil, errors.New("awsevents: a token is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{token: []byte(token), index: &lookups{index: opts.Index}, queue: opts.Queue, regions: opts.Regions,
		log: opts.Logger, forget: opts.Forget, metrics: opts.Metrics}, nil
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(TokenHeader)), h.token) != 1 {
		h.answer(w, http.StatusUnauthorized, "unauthorized", "missing or wrong "+TokenHeader)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			h.answer(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("an event is at most %d bytes", MaxBody))
			return
		}
		h.answer(w, http.StatusBadRequest, "unreadable", "cannot read the body")
		return
	}
	ev, err := Parse(body)
	switch {
	case errors.Is(err, errIgnored):
		h.answer(w, http.StatusAccepted, "ignored", "ignored: not a Lambda layer publish or delete")
		return
	case err != nil:
		h.answer(w, http.StatusBadRequest, "malformed", err.Error())
		return
	}
	if h.forget != nil {
		h.forget(ev.Version)
	}
	reqs, err := h.affected(r.Context(), ev)
	if err != nil {
		h.log.Error("layer index", "error", err, "event_id", ev.ID)
		h.answer(w, http.StatusInternalServerError, "error", "cannot read the layer index")
		return
	}
	rec, err := h.queue.Record(r.Context(), "aws:"+ev.ID, ev.Name, reqs)
	if err != nil {
		h.log.Error("record event", "error", err, "event_id", ev.ID)
		h.answer(w, http.StatusInternalServerError, "error", "cannot record the event")
		return
	}
	if rec.Duplicate {
		h.answer(w, http.StatusOK, "duplicate", "duplicate event")
		return
	}
	// Debug, not Info, as for GitHub deliveries: a line per event made
	// every request wait for the log's lock under a burst of events;
	// bumpbot_aws_events_total counts them, and the jobs log each
	// reconcile.
	h.log.Debug("layer event", "event_id", ev.ID, "event", ev.Name, "layer", ev.Version.String(), "repositories", len(reqs), "inserted", rec.Inserted)
	h.answer(w, http.StatusAccepted, "queued", fmt.Sprintf("queued %d reconciles", len(reqs)))
}

// affected returns the reconciles an event asks for: each repository
// pinning the layer in the event's region (or through a placeholder
// region that stands for it), and for a deletion only those pinned to the
// deleted version.
func (h *Handler) affected(ctx context.Context, ev Event) ([]jobs.ReconcileArgs, error) {
	pins, err := h.index.pinning(ctx, ev.Version.Account, ev.Version.Name)
	if err != nil {
		return nil, err
	}
	var out []jobs.ReconcileArgs
	seen := map[jobs.ReconcileArgs]bool{}
	for _, p := range pins {
		if !h.regionMatches(p, ev.Version) || ev.Deleted() && p.Version != ev.Version.Version {
			continue
		}
		a := jobs.ReconcileArgs{InstallationID: p.Installation, Repo: p.Repo}
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out, nil
}

func (h *Handler) regionMatches(p repostate.Pin, v layerarn.ARN) bool {
	if !layerarn.IsPlaceholder(p.Region) {
		return p.Region == v.Region
	}
	return len(h.regions) == 0 || slices.Contains(h.regions, v.Region)
}

// answer writes a one-line reason and counts the outcome.
func (h *Handler) answer(w http.ResponseWriter, status int, outcome, reason string) {
	h.metrics.count(outcome)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintln(w, reason)
}

// Metrics counts AWS events by outcome.
type Metrics struct{ events *prometheus.CounterVec }

// NewMetrics registers the counters on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{events: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bumpbot_aws_events_total",
		Help: "Layer-publish events received on /webhooks/aws, by outcome (queued, duplicate, ignored, malformed, unauthorized, too_large, error).",
	}, []string{"outcome"})}
	reg.MustRegister(m.events)
	return m
}

func (m *Metrics) count(outcome string) {
	if m != nil {
		m.events.WithLabelValues(outcome).Inc()
	}
}
