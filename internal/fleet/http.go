package fleet

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/bumpbot/bumpbot/internal/repostate"
)

// Source is the stored state the fleet view reads.
type Source interface {
	AllPins(ctx context.Context) ([]repostate.Pin, error)
	NewestVersions(ctx context.Context) (map[[3]string]repostate.Newest, error)
	AllProblems(ctx context.Context) (map[repostate.RepoKey][]repostate.Recorded, error)
}

// Handler serves the fleet view: GET /fleet (every pin, worst first, with
// a summary and a table per layer), GET /fleet/repos/{owner}/{name} (one
// repository, with its problems), and their JSON twins under /api/fleet.
// Every view takes the filters status=, layer= and org=. It is readable
// only with the fleet token, as a bearer token (automation) or as the
// password of HTTP basic authentication (a browser asks for it): the page
// names private repositories.
type Handler struct {
	Source  Source
	Token   string
	Regions []string // what a placeholder region stands for
	mux     *http.ServeMux
}

// NewHandler returns the fleet view over src, guarded by token.
func NewHandler(src Source, token string, regions []string) *Handler {
	h := &Handler{Source: src, Token: token, Regions: regions, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /fleet", h.page(overviewPage))
	h.mux.HandleFunc("GET /fleet/repos/{owner}/{name}", h.page(repoPage))
	h.mux.HandleFunc("GET /api/fleet/pins", h.api(func(v view) any { return map[string]any{"pins": v.Rows, "summary": v.Summary} }))
	h.mux.HandleFunc("GET /api/fleet/layers", h.api(func(v view) any { return v.Layers }))
	h.mux.HandleFunc("GET /api/fleet/repos/{owner}/{name}", h.api(func(v view) any {
		return map[string]any{"pins": v.Rows, "summary": v.Summary, "problems": v.Problems}
	}))
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="bumpbot fleet", charset="UTF-8"`)
		http.Error(w, "the fleet view needs the fleet token", http.StatusUnauthorized)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// authorized compares the request's token with the fleet token in
// constant time.
func (h *Handler) authorized(r *http.Request) bool {
	got := ""
	if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		got = b
	} else if _, pw, ok := r.BasicAuth(); ok {
		got = pw
	}
	return h.Token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(h.Token)) == 1
}

// view is what one request shows.
type view struct {
	Rows     []Row
	Summary  Summary
	Layers   []LayerRow
	Repo     string
	Problems []repostate.Recorded
	Filter   map[string]string
}

// LayerRow is one layer across the fleet (the JSON of /api/fleet/layers).
type LayerRow struct {
	Layer        string   `json:"layer"`
	Repositories int      `json:"repositories"`
	Pins         int      `json:"pins"`
	Pinned       []int    `json:"pinned"`
	Newest       int      `json:"newest"`
	Behind       int      `json:"behind"`
	Statuses     []Status `json:"statuses"`
}

// load builds the view of a request: its rows, filtered.
func (h *Handler) load(r *http.Request) (view, error) {
	ctx := r.Context()
	pins, err := h.Source.AllPins(ctx)
	if err != nil {
		return view{}, err
	}
	newest, err := h.Source.NewestVersions(ctx)
	if err != nil {
		return view{}, err
	}
	probs, err := h.Source.AllProblems(ctx)
	if err != nil {
		return view{}, err
	}
	v := view{Filter: map[string]string{}}
	if owner := r.PathValue("owner"); owner != "" {
		v.Repo = owner + "/" + r.PathValue("name")
		for k, ps := range probs {
			if k.Repo == v.Repo {
				v.Problems = append(v.Problems, ps...)
			}
		}
	}
	q := r.URL.Query()
	for _, k := range []string{"status", "layer", "org"} {
		if q.Get(k) != "" {
			v.Filter[k] = q.Get(k)
		}
	}
	for _, row := range FromIndex(pins, newest, probs, h.Regions) {
		if v.keeps(row) {
			v.Rows = append(v.Rows, row)
		}
	}
	if v.Rows == nil {
		v.Rows = []Row{}
	}
	v.Summary = Summarize(v.Rows)
	v.Layers = layerRows(v.Rows)
	return v, nil
}

func (v view) keeps(r Row) bool {
	org, _, _ := strings.Cut(r.Repository, "/")
	return (v.Repo == "" || r.Repository == v.Repo) &&
		(v.Filter["status"] == "" || string(r.Status) == v.Filter["status"]) &&
		(v.Filter["layer"] == "" || r.Layer == v.Filter["layer"]) &&
		(v.Filter["org"] == "" || org == v.Filter["org"])
}

// layerRows aggregates rows per layer, the most behind first.
func layerRows(rows []Row) []LayerRow {
	by := map[string]*LayerRow{}
	repos := map[string]map[string]bool{}
	for _, r := range rows {
		l := by[r.Layer]
		if l == nil {
			l = &LayerRow{Layer: r.Layer}
			by[r.Layer], repos[r.Layer] = l, map[string]bool{}
		}
		l.Pins++
		repos[r.Layer][r.Repository] = true
		l.Pinned = appendUnique(l.Pinned, r.Pinned)
		l.Newest = max(l.Newest, r.Newest)
		if r.Status == Behind {
			l.Behind++
		}
		if !containsStatus(l.Statuses, r.Status) {
			l.Statuses = append(l.Statuses, r.Status)
		}
	}
	out := make([]LayerRow, 0, len(by))
	for name, l := range by {
		l.Repositories = len(repos[name])
		sort.Ints(l.Pinned)
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Behind != out[j].Behind {
			return out[i].Behind > out[j].Behind
		}
		return out[i].Layer < out[j].Layer
	})
	return out
}

func appendUnique(s []int, v int) []int {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func containsStatus(s []Status, v Status) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// api serves a JSON twin.
func (h *Handler) api(body func(view) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := h.load(r)
		if err != nil {
			http.Error(w, "cannot read the fleet state", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(body(v)) //nolint:errcheck // the client went away
	}
}

// page serves an HTML view.
func (h *Handler) page(t *template.Template) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := h.load(r)
		if err != nil {
			http.Error(w, "cannot read the fleet state", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		t.Execute(w, v) //nolint:errcheck // the client went away
	}
}
