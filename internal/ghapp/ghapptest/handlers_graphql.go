package ghapptest

import (
	"fmt"
	"net/http"
	"strings"
)

// AllowAutoMerge sets the repository's "Allow auto-merge" setting
// (GitHub's default is off).
func (s *Server) AllowAutoMerge(fullName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rp := s.repos[strings.ToLower(fullName)]; rp != nil {
		rp.allowAutoMerge = true
	}
}

// pullNodeID is the GraphQL id of a pull request.
func (rp *repo) pullNodeID(p *Pull) string { return fmt.Sprintf("PR_%d_%d", rp.id, p.Number) }

// graphql is POST /graphql, of which the fake knows one mutation:
// enablePullRequestAutoMerge. GitHub answers GraphQL errors with 200 and
// an "errors" list.
func (s *Server) graphql(r *http.Request, _ *repo) (int, any) {
	var req struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if !decode(r, &req) {
		return http.StatusBadRequest, apiError("Problems parsing JSON")
	}
	fail := func(typ, msg string) (int, any) {
		return http.StatusOK, map[string]any{"data": nil, "errors": []any{map[string]any{"type": typ, "message": msg}}}
	}
	if !strings.Contains(req.Query, "enablePullRequestAutoMerge") {
		return fail("INTERNAL", "the fake GitHub knows only enablePullRequestAutoMerge")
	}
	id, _ := req.Variables["id"].(string)
	inst := s.tokens[bearer(r)]
	for _, name := range s.installations[inst] {
		rp := s.repos[strings.ToLower(name)]
		for _, p := range rp.pulls {
			if rp.pullNodeID(p) != id {
				continue
			}
			if !rp.allowAutoMerge {
				return fail("UNPROCESSABLE", "Pull request Auto merge is not allowed for this repository")
			}
			p.AutoMerge = true
			return http.StatusOK, map[string]any{"data": map[string]any{"enablePullRequestAutoMerge": map[string]any{"pullRequest": map[string]any{"number": p.Number}}}}
		}
	}
	return fail("NOT_FOUND", "Could not resolve to a node with the global id of '"+id+"'")
}
