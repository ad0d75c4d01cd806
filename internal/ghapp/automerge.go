package ghapp

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/google/go-github/v60/github"
)

// enableAutoMergeMutation turns on auto-merge: GitHub offers it through
// GraphQL only.
const enableAutoMergeMutation = `mutation($id: ID!) { enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: SQUASH}) { pullRequest { number } } }`

// graphQLURL is the GraphQL endpoint beside a REST base URL:
// api.github.com/graphql, or /api/graphql on GitHub Enterprise Server
// (whose REST API is under /api/v3/).
func graphQLURL(rest *url.URL) string {
	u := *rest
	if strings.HasSuffix(u.Path, "/api/v3/") {
		u.Path = strings.TrimSuffix(u.Path, "v3/") + "graphql"
	} else {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/graphql"
	}
	return u.String()
}

// keepAutoMerge enables auto-merge (squash) on pr when want is set and it
// is not on yet: no request otherwise. GitHub refuses it where the
// repository does not allow auto-merge or the pull request could be
// merged already; that refusal is returned as the reason, not as an
// error, since no retry changes it.
func (r *Repo) keepAutoMerge(ctx context.Context, pr *github.PullRequest, want bool) (refused string, err error) {
	if !want || pr.AutoMerge != nil || pr.GetNodeID() == "" {
		return "", nil
	}
	body := map[string]any{"query": enableAutoMergeMutation, "variables": map[string]any{"id": pr.GetNodeID()}}
	req, err := r.c.gh.NewRequest("POST", graphQLURL(r.c.gh.BaseURL), body)
	if err != nil {
		return "", fmt.Errorf("enable auto-merge on #%d in %s: %w", pr.GetNumber(), r.FullName(), err)
	}
	var out struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if _, err := r.c.gh.Do(ctx, req, &out); err != nil {
		return "", fmt.Errorf("enable auto-merge on #%d in %s: %w", pr.GetNumber(), r.FullName(), err)
	}
	var msgs []string
	for _, e := range out.Errors {
		msgs = append(msgs, e.Message)
	}
	return strings.Join(msgs, "; "), nil
}
