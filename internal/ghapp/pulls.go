package ghapp

import (
	"context"
	"fmt"
	"time"

	"github.com/google/go-github/v60/github"
)

// OpenPull is one of the bot's open pull requests, as the fleet view
// shows it.
type OpenPull struct {
	Number  int
	Title   string
	Body    string
	URL     string
	Branch  string
	Created time.Time
}

// OpenPulls lists the bot's open pull requests of this repository (heads
// under bumpbot/, forks excluded): one conditional request per page, so
// reading them again unchanged costs no rate limit.
func (r *Repo) OpenPulls(ctx context.Context) ([]OpenPull, error) {
	var out []OpenPull
	opts := &github.PullRequestListOptions{State: "open", ListOptions: github.ListOptions{PerPage: listPage}}
	err := allPages(&opts.ListOptions, func() (*github.Response, error) {
		pulls, resp, err := r.c.gh.PullRequests.List(ctx, r.owner, r.name, opts)
		for _, p := range pulls {
			if r.botHead(p.GetHead()) {
				out = append(out, OpenPull{Number: p.GetNumber(), Title: p.GetTitle(), Body: p.GetBody(), URL: p.GetHTMLURL(),
					Branch: p.GetHead().GetRef(), Created: p.GetCreatedAt().Time})
			}
		}
		return resp, err
	})
	if err != nil {
		return nil, fmt.Errorf("list open pull requests of %s: %w", r.FullName(), err)
	}
	return out, nil
}
