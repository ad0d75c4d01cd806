package fleet

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghapp"
	"golang.org/x/sync/errgroup"
)

// PullLister reads the bot's open pull requests of a repository (the App
// asks GitHub, with conditional requests that cost no rate limit when
// nothing changed).
type PullLister interface {
	OpenPulls(ctx context.Context, installation int64, repo string) ([]Pull, error)
}

// Pull is one of the bot's open pull requests.
type Pull struct {
	Number int       `json:"number"`
	Title  string    `json:"title"`
	URL    string    `json:"url"`
	Branch string    `json:"branch"`
	Opened time.Time `json:"opened"`
	// Age is how long it has been open, as the page says it ("3 days").
	Age string `json:"age"`
	// Body is read to find the layers of a grouped pull request.
	Body string `json:"-"`
}

// The views that show pull requests (one layer, one repository) read at
// most maxPullRepos repositories' lists, pullWorkers at a time: a page
// must not turn into thousands of GitHub requests.
const (
	maxPullRepos = 100
	pullWorkers  = 8
)

// loadPulls reads the open pull requests of the repositories of v's rows
// and ties each behind row to the pull request that moves it. Failing to
// read them is said on the page, not an error: the pins are still worth
// showing.
func (h *Handler) loadPulls(ctx context.Context, v *view, installs map[string]int64) {
	v.ShowPulls = true
	var repos []string
	seen := map[string]bool{}
	for _, r := range v.Rows {
		if !seen[r.Repository] {
			seen[r.Repository] = true
			repos = append(repos, r.Repository)
		}
	}
	if v.Repo != "" && !seen[v.Repo] {
		repos = append(repos, v.Repo)
	}
	if len(repos) > maxPullRepos {
		v.PullsNote = fmt.Sprintf("open pull requests are shown for at most %d repositories; filter by org to see them", maxPullRepos)
		return
	}
	var mu sync.Mutex
	by := map[string][]Pull{}
	failed := 0
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(pullWorkers)
	for _, repo := range repos {
		g.Go(func() error {
			ps, err := h.Pulls.OpenPulls(gctx, installs[strings.ToLower(repo)], repo)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed++
				return nil
			}
			by[repo] = ps
			return nil
		})
	}
	g.Wait() //nolint:errcheck // the workers return no error
	if failed > 0 {
		v.PullsNote = fmt.Sprintf("could not read the open pull requests of %d repositories", failed)
	}
	now := h.now()
	for repo, ps := range by {
		for i := range ps {
			ps[i].Age = age(now.Sub(ps[i].Opened))
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].Number < ps[j].Number })
		by[repo] = ps
	}
	for i, r := range v.Rows {
		if r.Status == Current {
			continue
		}
		for _, p := range by[r.Repository] {
			if moves(p, r.Layer) {
				v.Rows[i].Pull = &p
				break
			}
		}
	}
	if v.Repo != "" {
		for repo, ps := range by {
			if strings.EqualFold(repo, v.Repo) {
				v.Pulls = ps
			}
		}
	}
}

var unsafeBranch = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// moves reports whether pull request p moves pins of layer: its branch is
// the layer's (bumpbot/<layer>, perhaps with the account or the region
// after it) and its title names the layer, or it is a grouped pull
// request whose description names it.
func moves(p Pull, layer string) bool {
	own := "bumpbot/" + strings.Trim(unsafeBranch.ReplaceAllString(layer, "-"), ".-")
	if p.Branch == own || strings.HasPrefix(p.Branch, own+"-") {
		return strings.Contains(p.Title, "Bump "+layer+" layer")
	}
	grouped := p.Branch == "bumpbot/layers" || strings.HasPrefix(p.Branch, "bumpbot/group-")
	return grouped && strings.Contains(p.Body, layer)
}

// age says how long ago d was, to the day.
func age(d time.Duration) string {
	switch days := int(d.Hours() / 24); {
	case days <= 0:
		return "today"
	case days == 1:
		return "1 day"
	default:
		return fmt.Sprintf("%d days", days)
	}
}

// GitHubPulls reads the open pull requests through the App's
// installation clients.
type GitHubPulls struct{ App *ghapp.App }

// OpenPulls lists the bot's open pull requests of repo.
func (g GitHubPulls) OpenPulls(ctx context.Context, installation int64, repo string) ([]Pull, error) {
	c, err := g.App.Client(installation)
	if err != nil {
		return nil, err
	}
	r, err := c.Repo(repo)
	if err != nil {
		return nil, err
	}
	ps, err := r.OpenPulls(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Pull, 0, len(ps))
	for _, p := range ps {
		out = append(out, Pull{Number: p.Number, Title: p.Title, URL: p.URL, Branch: p.Branch, Opened: p.Created, Body: p.Body})
	}
	return out, nil
}
