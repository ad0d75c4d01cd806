// Package ghapp is bumpbot's GitHub client: it authenticates as the GitHub
// App, keeps one client per installation (tokens refreshed by
// ghinstallation, GETs revalidated with ETags so unchanged answers cost no
// rate limit) and implements reconcile.Forge for one repository over the
// Git Data API.
package ghapp

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v60/github"
	"github.com/gregjones/httpcache"
)

// DefaultBaseURL is GitHub.com's REST API.
const DefaultBaseURL = "https://api.github.com"

// Config describes the GitHub App.
type Config struct {
	AppID int64
	// PrivateKey is the app's PEM private key. It is only handed to
	// ghinstallation and never logged.
	PrivateKey []byte
	// BaseURL is the REST API root: DefaultBaseURL when empty, the
	// "https://HOST/api/v3" of a GitHub Enterprise Server, or a test server.
	BaseURL string
	// Transport is the underlying HTTP transport; http.DefaultTransport
	// when nil.
	Transport http.RoundTripper
	// Metrics records calls; nil records nothing.
	Metrics *Metrics
	// SecondaryLimitWait is the longest the client waits out one GitHub
	// secondary rate limit (Retry-After) before retrying the request
	// itself; a longer limit is returned as an error and the job retried
	// later. 0 means DefaultSecondaryLimitWait.
	SecondaryLimitWait time.Duration
	// HTTPCacheBytes bounds the ETag cache shared by every installation
	// (responses and their URLs); 0 means DefaultHTTPCacheBytes.
	HTTPCacheBytes int64
	// TreeCacheBytes bounds, approximately, the parsed trees and default
	// branch names kept between reconciles, for every repository of every
	// installation; 0 means DefaultTreeCacheBytes.
	TreeCacheBytes int64
	// MaxClients bounds the installation clients kept; 0 means
	// DefaultMaxClients.
	MaxClients int
	// Store, when set, keeps the ETag cache and the facts GitHub told in
	// the database instead of in memory (HTTPCacheBytes is then unused):
	// a restart costs no more requests than any other reconcile.
	Store Store
	// Writes, when set, paces each installation's content-creating
	// requests; nil sends them as they come.
	Writes WriteGate
}

// Default bounds of what the app keeps between requests. Evicted entries
// cost requests, never correctness: an evicted ETag turns the next 304
// into a 200 (charged), an evicted tree is listed again, an evicted client
// is rebuilt and ghinstallation mints a new token.
const (
	// DefaultHTTPCacheBytes holds the conditional-request state of about
	// 2,000 repositories of 100 files (a repository, a branch, a tree and
	// a pull request listing each).
	DefaultHTTPCacheBytes = 64 << 20
	// DefaultTreeCacheBytes holds the parsed trees of as many.
	DefaultTreeCacheBytes = 32 << 20
	// DefaultMaxClients is more installations than a reconcile pass
	// touches at once; a client is a few kilobytes plus its token.
	DefaultMaxClients = 1000
)

// DefaultSecondaryLimitWait bounds the wait for one secondary rate limit:
// GitHub asks for at least a minute when it names no time.
const DefaultSecondaryLimitWait = time.Minute

// App is the GitHub App. It is safe for concurrent use.
type App struct {
	cfg     Config
	baseURL *url.URL
	apps    *ghinstallation.AppsTransport
	// gh calls GitHub as the app itself (JWT): listing installations.
	gh *github.Client

	// mu serializes the creation of clients, so an installation has one.
	mu        sync.Mutex
	clients   *lru[int64, *Client]
	responses *lru[string, []byte]      // the ETag cache, by installation and URL
	trees     *lru[repoKey, *repoCache] // what a reconcile remembers of a repository

	slugMu sync.Mutex
	slug   string // the app's slug, once GitHub told it (Slug)
}

// repoKey names a repository as one installation sees it.
type repoKey struct {
	installation int64
	fullName     string // lower case: GitHub's names are case-insensitive
}

// NewApp checks cfg and returns the app. It makes no request.
func NewApp(cfg Config) (*App, error) {
	if cfg.AppID <= 0 {
		return nil, errors.New("ghapp: app id is required")
	}
	if len(cfg.PrivateKey) == 0 {
		return nil, errors.New("ghapp: private key is required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport
	}
	if cfg.SecondaryLimitWait <= 0 {
		cfg.SecondaryLimitWait = DefaultSecondaryLimitWait
	}
	if cfg.HTTPCacheBytes <= 0 {
		cfg.HTTPCacheBytes = DefaultHTTPCacheBytes
	}
	if cfg.TreeCacheBytes <= 0 {
		cfg.TreeCacheBytes = DefaultTreeCacheBytes
	}
	if cfg.MaxClients <= 0 {
		cfg.MaxClients = DefaultMaxClients
	}
	u, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/") + "/")
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("ghapp: base URL %q is not an http(s) URL", cfg.BaseURL)
	}
	// App-level requests (JWT) are counted like the others; they are not
	// cached: every request carries a new JWT and GitHub varies its
	// answers by Authorization.
	appWire := &countingTransport{next: cfg.Transport, metrics: cfg.Metrics}
	apps, err := ghinstallation.NewAppsTransport(appWire, cfg.AppID, cfg.PrivateKey)
	if err != nil {
		// The error text names the problem (bad PEM), never the key.
		return nil, fmt.Errorf("ghapp: private key: %w", err)
	}
	apps.BaseURL = strings.TrimRight(u.String(), "/")
	gh := github.NewClient(&http.Client{Transport: apps})
	gh.BaseURL = u
	return &App{
		cfg: cfg, baseURL: u, apps: apps, gh: gh,
		clients:   newLRU[int64, *Client](int64(cfg.MaxClients)),
		responses: newLRU[string, []byte](cfg.HTTPCacheBytes),
		trees:     newLRU[repoKey, *repoCache](cfg.TreeCacheBytes),
	}, nil
}

// Client returns the client of one installation, creating it on first use.
// Clients are cached (the MaxClients most recently used): each keeps its
// token (refreshed by ghinstallation shortly before it expires). An
// evicted client still works for whoever holds it; the next call builds a
// new one, with a new token.
func (a *App) Client(installationID int64) (*Client, error) {
	if installationID <= 0 {
		return nil, fmt.Errorf("ghapp: invalid installation id %d", installationID)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.clients.get(installationID); ok {
		return c, nil
	}
	// Transport stack, outermost first: ghinstallation adds the token;
	// httpcache revalidates GETs with If-None-Match; revalidate makes
	// every cached answer stale so a reconcile never reads a 60-second-old
	// tree; the secondary limiter waits out a secondary rate limit and
	// sends the request again (below the cache, so the cache only sees
	// the final answer; per installation, because GitHub limits each
	// installation on its own); countingTransport sees what really goes
	// on the wire, every attempt included.
	wire := &countingTransport{next: a.cfg.Transport, metrics: a.cfg.Metrics, installation: installationID}
	// Writes are paced below the secondary limiter, so its retry waits
	// for a slot like any other write.
	var paceable http.RoundTripper = wire
	if a.cfg.Writes != nil {
		paceable = paced{next: wire, gate: a.cfg.Writes, installation: installationID}
	}
	limited := secondaryLimiter(paceable, a.cfg.SecondaryLimitWait, a.cfg.Metrics)
	var responses httpcache.Cache = newHTTPCache(a.responses, installationID)
	if a.cfg.Store != nil {
		responses = newStoreCache(a.cfg.Store, installationID)
	}
	cache := &httpcache.Transport{Transport: revalidate{limited}, Cache: responses}
	// One ghinstallation transport per installation: sharing an
	// AppsTransport would have concurrent token refreshes write to it.
	// Token requests go straight to the wire; they are never cached.
	itr, err := ghinstallation.New(a.cfg.Transport, a.cfg.AppID, installationID, a.cfg.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("ghapp: installation %d: %w", installationID, err)
	}
	itr.BaseURL = a.apps.BaseURL
	gh := github.NewClient(&http.Client{Transport: &tokenOnTop{itr: itr, next: cache}})
	gh.BaseURL = a.baseURL
	c := &Client{gh: gh, app: a.gh, owner: a, trees: a.trees, installation: installationID, metrics: a.cfg.Metrics}
	a.clients.add(installationID, c, 1)
	return c, nil
}

// Client is one installation's view of GitHub.
type Client struct {
	gh *github.Client
	// app calls GitHub as the app (JWT), to learn the installation's
	// account.
	app *github.Client
	// owner is the App, which knows its bot account (Slug); nil for a
	// token client, whose commits committer names.
	owner        *App
	committer    string
	trees        *lru[repoKey, *repoCache]
	installation int64
	metrics      *Metrics

	mu    sync.Mutex
	login string // the installation's account, once GitHub named it
}

// repoCache is what is remembered about one repository between
// reconciles: its default branch name (and when GitHub last confirmed it)
// and the last listed tree. It has its own lock: an evicted client and
// its successor may share it.
type repoCache struct {
	mu         sync.Mutex
	branch     string
	branchSeen time.Time
	tree       string
	entries    []treeItem
}

type treeItem struct {
	path, sha, mode string
	size            int64
}

// Approximate costs in the tree cache: a repository's fixed part, and one
// tree entry beyond the bytes of its path.
const (
	repoCacheCost = 256
	treeItemCost  = 128
)

// cost is the approximate memory rc holds; call with rc.mu held.
func (rc *repoCache) cost() int64 {
	n := int64(repoCacheCost + len(rc.branch))
	for _, e := range rc.entries {
		n += treeItemCost + int64(len(e.path))
	}
	return n
}

// cache returns what is remembered of repository fullName, creating it.
func (c *Client) cache(fullName string) *repoCache {
	k := repoKey{c.installation, strings.ToLower(fullName)}
	if rc, ok := c.trees.get(k); ok {
		return rc
	}
	rc := &repoCache{}
	c.trees.add(k, rc, rc.cost())
	return rc
}

// recost records rc's new size in the tree cache (and puts it back if it
// was evicted meanwhile: it is the newest state).
func (c *Client) recost(fullName string, rc *repoCache) {
	rc.mu.Lock()
	n := rc.cost()
	rc.mu.Unlock()
	c.trees.add(repoKey{c.installation, strings.ToLower(fullName)}, rc, n)
}

// RememberDefaultBranch records the default branch of repository
// fullName as a webhook payload names it (repository.default_branch), so
// the next snapshot reads that branch at once instead of asking for the
// repository first: one request fewer. A name that is not a branch (any
// more) costs one extra request: the branch answers 404 and the repository
// is read.
func (c *Client) RememberDefaultBranch(fullName, branch string) {
	c.RememberDefaultBranchAt(fullName, branch, time.Now())
}

// RememberDefaultBranchAt is RememberDefaultBranch for a name observed at
// seen, for example when the webhook that named it was received: a job
// retried hours later must not override what the client learnt since. The
// name is kept only if seen is later than what the client knows, and is
// trusted for an hour from seen.
func (c *Client) RememberDefaultBranchAt(fullName, branch string, seen time.Time) {
	if branch == "" {
		return
	}
	rc := c.cache(fullName)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.branch != "" && !seen.After(rc.branchSeen) {
		return
	}
	rc.branch, rc.branchSeen = branch, seen
}

// GitHub returns the underlying go-github client, for calls this package
// does not wrap.
func (c *Client) GitHub() *github.Client { return c.gh }

// Installation returns the installation id.
func (c *Client) Installation() int64 { return c.installation }
