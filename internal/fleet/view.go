package fleet

import (
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/bumpbot/bumpbot/internal/repostate"
)

// errNotFound is a repository or layer the reader cannot see.
var errNotFound = errors.New("not found")

// view is what one request shows.
type view struct {
	Rows     []Row
	Summary  Summary
	Layers   []LayerRow
	Repo     string
	Layer    string // the one-layer view's layer
	Problems []repostate.Recorded
	Ignores  []Ignore // the one-repository view's
	// Pulls are the one-repository view's open pull requests; ShowPulls
	// is set on the views that show them, PullsNote says what could not
	// be shown.
	Pulls     []Pull
	ShowPulls bool
	PullsNote string
	Filter    map[string]string
	// User is the signed-in person (empty for the fleet token).
	User string
	// Orgs and LayerNames are the filter choices: those of the rows the
	// reader may see, whatever the current filter.
	Orgs, LayerNames []string
}

// LayerRow is one layer across the fleet (the JSON of /api/fleet/layers).
type LayerRow struct {
	Layer        string `json:"layer"`
	Repositories int    `json:"repositories"`
	Pins         int    `json:"pins"`
	Pinned       []int  `json:"pinned"`
	Newest       int    `json:"newest"`
	// NewestByRegion is the newest version in each region the index
	// knows of (numbers differ between regions).
	NewestByRegion []RegionVersion `json:"newest_by_region"`
	// Versions is how many repositories pin each version, newest first.
	Versions   []VersionCount `json:"versions"`
	Behind     int            `json:"behind"`
	Deleted    int            `json:"deleted"`
	Violations int            `json:"violations"`
	Errors     int            `json:"errors"`
	Statuses   []Status       `json:"statuses"`
}

// RegionVersion is a layer's newest version in one region.
type RegionVersion struct {
	Region  string `json:"region"`
	Version int    `json:"version"`
}

// VersionCount is how many repositories (and pins) hold one version.
type VersionCount struct {
	Version      int `json:"version"`
	Repositories int `json:"repositories"`
	Pins         int `json:"pins"`
}

// load builds the view of a request: the rows its reader may see,
// filtered.
func (h *Handler) load(r *http.Request) (view, error) {
	ctx := r.Context()
	acc, _ := ctx.Value(accessKey{}).(access)
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
	v := view{Filter: map[string]string{}, User: acc.login, Layer: r.PathValue("layer")}
	if owner := r.PathValue("owner"); owner != "" {
		v.Repo = owner + "/" + r.PathValue("name")
		if !acc.allows(v.Repo) {
			return view{}, errNotFound
		}
		for k, ps := range probs {
			if strings.EqualFold(k.Repo, v.Repo) {
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
	if v.Layer != "" {
		v.Filter["layer"] = v.Layer
	}
	orgs, layerNames := map[string]bool{}, map[string]bool{}
	inRepo := false
	for _, row := range FromIndex(pins, newest, probs, h.Regions) {
		if !acc.allows(row.Repository) {
			continue
		}
		org, _, _ := strings.Cut(row.Repository, "/")
		orgs[org], layerNames[row.Layer] = true, true
		inRepo = inRepo || strings.EqualFold(row.Repository, v.Repo)
		if v.keeps(row) {
			v.Rows = append(v.Rows, row)
		}
	}
	switch {
	case v.Repo != "" && !inRepo && len(v.Problems) == 0:
		return view{}, errNotFound
	case v.Layer != "" && !layerNames[v.Layer]:
		return view{}, errNotFound
	case v.Repo != "":
		if v.Ignores, err = ignoresOf(ctx, h.Source, installationOf(v.Repo, pins, probs), v.Repo); err != nil {
			return view{}, err
		}
	}
	if h.Pulls != nil && (v.Repo != "" || v.Layer != "") {
		h.loadPulls(ctx, &v, installations(pins, probs))
	}
	if v.Pulls == nil {
		v.Pulls = []Pull{}
	}
	if v.Rows == nil {
		v.Rows = []Row{}
	}
	v.Orgs, v.LayerNames = sortedKeys(orgs), sortedKeys(layerNames)
	v.Summary = Summarize(v.Rows)
	v.Layers = layerRows(v.Rows, newestByRegion(pins, newest))
	if v.Layer != "" && len(v.Layers) == 0 {
		// Filtered down to nothing: the layer's own row stays.
		v.Layers = []LayerRow{{Layer: v.Layer, Pinned: []int{}, Versions: []VersionCount{}, Statuses: []Status{}}}
	}
	return v, nil
}

// installations maps each repository (lower case) to the installation
// its pins or problems were recorded under.
func installations(pins []repostate.Pin, probs map[repostate.RepoKey][]repostate.Recorded) map[string]int64 {
	out := map[string]int64{}
	for k := range probs {
		out[strings.ToLower(k.Repo)] = k.Installation
	}
	for _, p := range pins {
		out[strings.ToLower(p.Repo)] = p.Installation
	}
	return out
}

// installationOf finds the installation a repository's pins or problems
// were recorded under (0 when none).
func installationOf(repo string, pins []repostate.Pin, probs map[repostate.RepoKey][]repostate.Recorded) int64 {
	return installations(pins, probs)[strings.ToLower(repo)]
}

func (v view) keeps(r Row) bool {
	org, _, _ := strings.Cut(r.Repository, "/")
	return (v.Repo == "" || strings.EqualFold(r.Repository, v.Repo)) &&
		(v.Filter["status"] == "" || string(r.Status) == v.Filter["status"]) &&
		(v.Filter["layer"] == "" || r.Layer == v.Filter["layer"]) &&
		(v.Filter["org"] == "" || strings.EqualFold(org, v.Filter["org"]))
}

// newestByRegion maps each pinned layer's name to its newest version per
// region, from the accounts its pins name.
func newestByRegion(pins []repostate.Pin, newest map[[3]string]repostate.Newest) map[string][]RegionVersion {
	accounts := map[[2]string]bool{} // account, layer
	for _, p := range pins {
		accounts[[2]string{p.Account, p.Layer}] = true
	}
	out := map[string][]RegionVersion{}
	for k, n := range newest {
		if accounts[[2]string{k[0], k[1]}] {
			out[k[1]] = append(out[k[1]], RegionVersion{Region: k[2], Version: n.Version})
		}
	}
	for _, rv := range out {
		sort.Slice(rv, func(i, j int) bool { return rv[i].Region < rv[j].Region })
	}
	return out
}

// layerRows aggregates rows per layer, the most behind first.
func layerRows(rows []Row, regions map[string][]RegionVersion) []LayerRow {
	by := map[string]*LayerRow{}
	repos := map[string]map[string]bool{}
	perVersion := map[string]map[int]map[string]bool{}
	for _, r := range rows {
		l := by[r.Layer]
		if l == nil {
			l = &LayerRow{Layer: r.Layer, NewestByRegion: regions[r.Layer]}
			by[r.Layer], repos[r.Layer], perVersion[r.Layer] = l, map[string]bool{}, map[int]map[string]bool{}
		}
		l.Pins++
		repos[r.Layer][r.Repository] = true
		if perVersion[r.Layer][r.Pinned] == nil {
			perVersion[r.Layer][r.Pinned] = map[string]bool{}
			l.Versions = append(l.Versions, VersionCount{Version: r.Pinned})
		}
		perVersion[r.Layer][r.Pinned][r.Repository] = true
		i := slices.IndexFunc(l.Versions, func(c VersionCount) bool { return c.Version == r.Pinned })
		l.Versions[i].Pins++
		l.Newest = max(l.Newest, r.Newest)
		switch r.Status {
		case Behind:
			l.Behind++
		case Deleted:
			l.Deleted++
		case Violation:
			l.Violations++
		case Error:
			l.Errors++
		}
		if !slices.Contains(l.Statuses, r.Status) {
			l.Statuses = append(l.Statuses, r.Status)
		}
	}
	out := make([]LayerRow, 0, len(by))
	for name, l := range by {
		l.Repositories = len(repos[name])
		for i := range l.Versions {
			l.Versions[i].Repositories = len(perVersion[name][l.Versions[i].Version])
			l.Pinned = append(l.Pinned, l.Versions[i].Version)
		}
		sort.Ints(l.Pinned)
		sort.Slice(l.Versions, func(i, j int) bool { return l.Versions[i].Version > l.Versions[j].Version })
		if l.NewestByRegion == nil {
			l.NewestByRegion = []RegionVersion{}
		}
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if wa, wb := a.Violations+a.Deleted, b.Violations+b.Deleted; wa != wb {
			return wa > wb
		}
		if a.Behind != b.Behind {
			return a.Behind > b.Behind
		}
		return a.Layer < b.Layer
	})
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
