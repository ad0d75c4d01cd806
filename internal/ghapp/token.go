package ghapp

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/gregjones/httpcache"
)

// TokenConfig describes a client that authenticates with a plain token
// instead of as the App: the GITHUB_TOKEN of a workflow run, for the
// Action mode. The token is only put in Authorization headers, never
// logged.
type TokenConfig struct {
	Token string
	// BaseURL is the REST API root (DefaultBaseURL when empty).
	BaseURL string
	// Owner is the login of the account the token acts for (the owner
	// of the workflow's repository): repositories of other owners are
	// refused, as for an installation.
	Owner string
	// Committer is who GitHub names as the committer of the commits the
	// token makes, how the bot recognizes its own branches
	// (default github-actions[bot], for a workflow's GITHUB_TOKEN).
	Committer string
	Transport http.RoundTripper
	Metrics   *Metrics
}

// NewTokenClient returns a client acting with a plain token, with the
// same transport stack as an installation's (ETag revalidation, waiting
// out secondary rate limits, request counting), so Repo works the same.
func NewTokenClient(cfg TokenConfig) (*Client, error) {
	if cfg.Token == "" {
		return nil, errors.New("ghapp: a token is required")
	}
	if cfg.Owner == "" {
		return nil, errors.New("ghapp: the token's owner is required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport
	}
	u, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/") + "/")
	if err != nil {
		return nil, err
	}
	wire := &countingTransport{next: cfg.Transport, metrics: cfg.Metrics}
	limited := secondaryLimiter(wire, DefaultSecondaryLimitWait, cfg.Metrics)
	cache := &httpcache.Transport{Transport: revalidate{limited}, Cache: newHTTPCache(newLRU[string, []byte](DefaultHTTPCacheBytes), 0)}
	gh := github.NewClient(&http.Client{Transport: &staticToken{token: cfg.Token, next: cache}})
	gh.BaseURL = u
	if cfg.Committer == "" {
		cfg.Committer = "github-actions[bot]"
	}
	c := &Client{gh: gh, trees: newLRU[repoKey, *repoCache](DefaultTreeCacheBytes), metrics: cfg.Metrics, committer: cfg.Committer}
	c.setAccount(cfg.Owner)
	return c, nil
}

// staticToken puts one token on every request.
type staticToken struct {
	token string
	next  http.RoundTripper
}

func (t *staticToken) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "token "+t.token)
	return t.next.RoundTrip(r)
}

// bot returns the committer name of the commits this client makes: the
// App's bot account, or a token client's committer.
func (c *Client) bot(ctx context.Context) (string, error) {
	if c.owner == nil {
		return c.committer, nil
	}
	slug, err := c.owner.Slug(ctx)
	if err != nil {
		return "", err
	}
	return slug + "[bot]", nil
}
