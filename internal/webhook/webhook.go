// Package webhook serves GitHub's webhooks: it checks the size and the
// signature, parses the event with go-github, decides which repositories
// need a reconcile and records that durably. It does no work inline, so it
// answers fast and a crash after the answer loses nothing.
package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/bumpbot/bumpbot/internal/jobs"
)

// MaxBody is the largest payload GitHub sends (25 MiB); anything larger is
// refused with 413 before the signature is checked.
const MaxBody = 25 << 20

// Recorder stores a delivery and the reconciles it asks for, atomically.
// jobs.Queue implements it.
type Recorder interface {
	Record(ctx context.Context, delivery, event string, reqs []jobs.ReconcileArgs) (jobs.Recorded, error)
}

// Handler is the POST /webhooks/github endpoint.
type Handler struct {
	secret  []byte
	rec     Recorder
	log     *slog.Logger
	metrics *Metrics
	mem     *memory
	// commands and slug are set by WithCommands.
	commands CommandStore
	slug     func(context.Context) (string, error)
	// dashboard is set by WithDashboard.
	dashboard DashboardStore
}

// Option changes a Handler built by New.
type Option func(*Handler) error

// WithBudget bounds the bodies read at once by b instead of DefaultBudget.
func WithBudget(b Budget) Option {
	return func(h *Handler) error {
		if err := b.validate(); err != nil {
			return err
		}
		h.mem = newMemory(b)
		return nil
	}
}

// New returns the handler. It refuses an empty secret: an empty key
// would let anyone sign, and so enqueue work.
func New(secret []byte, rec Recorder, log *slog.Logger, m *Metrics, opts ...Option) (*Handler, error) {
	if len(secret) == 0 {
		return nil, errors.New("webhook: a webhook secret is required")
	}
	if rec == nil {
		return nil, errors.New("webhook: a recorder is required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{secret: secret, rec: rec, log: log, metrics: m, mem: newMemory(DefaultBudget)}
	for _, o := range opts {
		if err := o(h); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// retryAfter is what a 503 for an exhausted budget asks a client to wait,
// in seconds: a full-size body is read in well under that on a fair link.
const retryAfter = "5"

// Outcomes reported in the response body and the metrics.
const (
	outcomeOK        = "ok" // ping
	outcomeQueued    = "queued"
	outcomeDuplicate = "duplicate"
	outcomeIgnored   = "ignored"
	outcomeTooLarge  = "too_large"
	outcomeBadSig    = "bad_signature"
	outcomeBusy      = "busy" // the body budget is exhausted
	outcomeMalformed = "malformed"
	outcomeError     = "error"
)

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	event := github.WebHookType(r)
	delivery := github.DeliveryID(r)
	log := h.log.With("delivery_id", delivery, "event", event)
	answer := func(status int, outcome string) {
		h.metrics.observe(event, outcome, time.Since(start))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"status": outcome}) //nolint:errcheck // client gone
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		answer(http.StatusMethodNotAllowed, outcomeMalformed)
		return
	}

	payload, status, outcome := h.readPayload(w, r, log)
	if outcome != "" {
		if status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", retryAfter)
		}
		answer(status, outcome)
		return
	}
	if !validDelivery(delivery) || event == "" {
		// The delivery id is not covered by the signature: anything but
		// a short printable id (GitHub sends a GUID) is refused before
		// it reaches the database.
		log.Warn("webhook without a valid delivery id or event type")
		answer(http.StatusBadRequest, outcomeMalformed)
		return
	}
	if event == "ping" {
		answer(http.StatusOK, outcomeOK)
		return
	}
	if !handled[event] {
		answer(http.StatusAccepted, outcomeIgnored)
		return
	}
	parsed, err := github.ParseWebHook(event, payload)
	if err != nil {
		log.Warn("webhook payload is not valid JSON", "error", err)
		answer(http.StatusBadRequest, outcomeMalformed)
		return
	}
	reqs, err := h.requests(r.Context(), parsed)
	if err != nil {
		log.Error("webhook request", "error", err)
		answer(http.StatusInternalServerError, outcomeError)
		return
	}
	if len(reqs) == 0 {
		answer(http.StatusAccepted, outcomeIgnored)
		return
	}
	rec, err := h.rec.Record(r.Context(), delivery, event, reqs)
	if err != nil {
		log.Error("record webhook", "error", err)
		answer(http.StatusInternalServerError, outcomeError)
		return
	}
	if rec.Duplicate {
		log.Info("webhook redelivery ignored")
		answer(http.StatusOK, outcomeDuplicate)
		return
	}
	// Debug, not Info: a line per delivery made every request wait for
	// the log's lock under load; the metrics count the deliveries, and
	// the jobs log each reconcile.
	for _, q := range reqs {
		log.Debug("reconcile requested", "installation_id", q.InstallationID, "repo", q.Repo)
	}
	answer(http.StatusAccepted, outcomeQueued)
}

// validDelivery accepts what GitHub sends in X-GitHub-Delivery: a GUID,
// or at most a short run of printable ASCII.
func validDelivery(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// readPayload checks the signature header, the content type and the
// declared length, reads the body within the budget and returns the
// signed payload, or the status and outcome of a refusal.
func (h *Handler) readPayload(w http.ResponseWriter, r *http.Request, log *slog.Logger) (payload []byte, status int, outcome string) {
	want, ok := parseSignature(r.Header)
	if !ok {
		// Refused on its headers alone: not a body byte is read.
		log.Warn("webhook refused: no well-formed X-Hub-Signature-256 (sha256=<64 hex>) header")
		return nil, http.StatusUnauthorized, outcomeBadSig
	}
	mediaType := contentType(r)
	if mediaType == "" {
		log.Warn("webhook refused: unsupported content type", "content_type", r.Header.Get("Content-Type"))
		return nil, http.StatusUnsupportedMediaType, outcomeMalformed
	}
	if r.ContentLength > MaxBody {
		log.Warn("webhook payload too large", "content_length", r.ContentLength)
		return nil, http.StatusRequestEntityTooLarge, outcomeTooLarge
	}
	res, ok := h.mem.reserve(r.ContentLength)
	if !ok {
		log.Warn("webhook refused: too many bodies being read at once", "content_length", r.ContentLength)
		return nil, http.StatusServiceUnavailable, outcomeBusy
	}
	// The share comes back on return: the payload, when signed, is a
	// copy, and parsing and recording it need none of the buffers.
	defer res.release()
	payload, err := readSigned(http.MaxBytesReader(w, r.Body, MaxBody), res, h.secret, want)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			log.Warn("webhook payload too large")
			return nil, http.StatusRequestEntityTooLarge, outcomeTooLarge
		}
		if errors.Is(err, errBadSignature) {
			log.Warn("webhook refused", "error", err)
			return nil, http.StatusUnauthorized, outcomeBadSig
		}
		log.Warn("webhook body unreadable", "error", err)
		return nil, http.StatusBadRequest, outcomeMalformed
	}
	if mediaType == typeForm {
		if payload, err = formPayload(payload); err != nil {
			log.Warn("webhook form unreadable", "error", err)
			return nil, http.StatusBadRequest, outcomeMalformed
		}
	}
	return payload, 0, ""
}
