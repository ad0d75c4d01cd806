package fleet

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bumpbot/bumpbot/internal/repostate"
)

// Source is the stored state the fleet view reads.
type Source interface {
	AllPins(ctx context.Context) ([]repostate.Pin, error)
	NewestVersions(ctx context.Context) (map[[3]string]repostate.Newest, error)
	AllProblems(ctx context.Context) (map[repostate.RepoKey][]repostate.Recorded, error)
}

// Handler serves the fleet view: GET /fleet (the layers, with every pin
// worst first), GET /fleet/layers/{layer} (one layer: every repository and
// file:line pinning it), GET /fleet/repos/{owner}/{name} (one repository,
// with its problems), and their JSON twins under /api/fleet. Every view
// takes the filters status=, layer= and org=. The pages name private
// repositories, so every view needs either the fleet token (automation: a
// bearer token, or the password of HTTP basic authentication), which
// reads everything, or a session from signing in with GitHub
// (EnableSignIn), which reads only the repositories GitHub says the
// person can access.
type Handler struct {
	Source  Source
	Token   string
	Regions []string // what a placeholder region stands for
	// Pulls, when set, reads the bot's open pull requests for the
	// one-layer and one-repository views.
	Pulls  PullLister
	mux    *http.ServeMux
	signIn *signIn
	now    func() time.Time
}

// NewHandler returns the fleet view over src, readable with token (none
// when empty: then only through EnableSignIn).
func NewHandler(src Source, token string, regions []string) *Handler {
	h := &Handler{Source: src, Token: token, Regions: regions, mux: http.NewServeMux(), now: time.Now}
	h.mux.HandleFunc("GET /fleet", h.page(overviewPage))
	h.mux.HandleFunc("GET /fleet/layers/{layer}", h.page(layerPage))
	h.mux.HandleFunc("GET /fleet/repos/{owner}/{name}", h.page(repoPage))
	h.mux.HandleFunc("GET /api/fleet/pins", h.api(func(v view) any { return map[string]any{"pins": v.Rows, "summary": v.Summary} }))
	h.mux.HandleFunc("GET /api/fleet/layers", h.api(func(v view) any { return v.Layers }))
	h.mux.HandleFunc("GET /api/fleet/layers/{layer}", h.api(func(v view) any {
		return map[string]any{"layer": v.Layers[0], "pins": v.Rows, "summary": v.Summary}
	}))
	h.mux.HandleFunc("GET /api/fleet/repos/{owner}/{name}", h.api(func(v view) any {
		return map[string]any{"pins": v.Rows, "summary": v.Summary, "problems": v.Problems, "ignores": v.Ignores, "pull_requests": v.Pulls}
	}))
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.signIn != nil && signInPaths[r.URL.Path] {
		h.mux.ServeHTTP(w, r)
		return
	}
	acc, ok := h.access(r)
	if !ok {
		h.refuse(w, r)
		return
	}
	h.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), accessKey{}, acc)))
}

// signInPaths are served without a session: they make one.
var signInPaths = map[string]bool{"/fleet/login": true, "/fleet/callback": true, "/fleet/logout": true}

// refuse answers a request with neither the token nor a session: a page
// goes to the sign-in when there is one, an API call gets 401.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request) {
	if h.signIn != nil && !strings.HasPrefix(r.URL.Path, "/api/") && r.Method == http.MethodGet {
		http.Redirect(w, r, "/fleet/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if h.signIn != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="bumpbot fleet"`)
		http.Error(w, "the fleet view needs the fleet token or a session (sign in at /fleet/login)", http.StatusUnauthorized)
		return
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="bumpbot fleet", charset="UTF-8"`)
	http.Error(w, "the fleet view needs the fleet token", http.StatusUnauthorized)
}

// access is who reads a request: everything (the fleet token), or the
// repositories of a signed-in person.
type access struct {
	all   bool
	login string
	repos map[string]bool // lower-case full names
}

type accessKey struct{}

// allows reports whether the reader may see repo.
func (a access) allows(repo string) bool { return a.all || a.repos[strings.ToLower(repo)] }

// access finds who reads r: the fleet token first (compared in constant
// time), then a valid session.
func (h *Handler) access(r *http.Request) (access, bool) {
	got := ""
	if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		got = b
	} else if _, pw, ok := r.BasicAuth(); ok {
		got = pw
	}
	if h.Token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(h.Token)) == 1 {
		return access{all: true}, true
	}
	if h.signIn == nil {
		return access{}, false
	}
	sess, ok := h.signIn.seal.session(r, h.signIn.now())
	if !ok {
		return access{}, false
	}
	a := access{login: sess.Login, repos: make(map[string]bool, len(sess.Repos))}
	for _, n := range sess.Repos {
		a.repos[n] = true
	}
	return a, true
}

// api serves a JSON twin.
func (h *Handler) api(body func(view) any) http.HandlerFunc {
	return h.serveView(func(w http.ResponseWriter, v view) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(body(v)) //nolint:errcheck // the client went away
	})
}

// page serves an HTML view. The pages hold no asset from elsewhere, and
// the one script they run is allowed by its hash.
func (h *Handler) page(t *template.Template) http.HandlerFunc {
	return h.serveView(func(w http.ResponseWriter, v view) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", contentPolicy)
		w.Header().Set("X-Frame-Options", "DENY")
		t.Execute(w, v) //nolint:errcheck // the client went away
	})
}

// serveView loads the request's view and writes it; a repository or a
// layer the reader cannot see (or that does not exist: the two answer the
// same, so nothing leaks) is 404.
func (h *Handler) serveView(write func(http.ResponseWriter, view)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := h.load(r)
		if errors.Is(err, errNotFound) {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if err != nil {
			http.Error(w, "cannot read the fleet state", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Cache-Control", "private, no-store")
		write(w, v)
	}
}
