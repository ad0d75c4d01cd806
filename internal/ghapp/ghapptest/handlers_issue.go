package ghapptest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Issue is an issue (not a pull request) as the fake stores it.
type Issue struct {
	Number int
	State  string // open, closed
	Title  string
	Body   string
	Labels []string
}

func (rp *repo) issue(n int) *Issue {
	for _, i := range rp.issues {
		if i.Number == n {
			return i
		}
	}
	return nil
}

func issueJSON(rp *repo, i *Issue) map[string]any {
	labels := []any{}
	for _, l := range i.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	return map[string]any{
		"number": i.Number, "state": i.State, "title": i.Title, "body": i.Body, "labels": labels,
		"html_url":   "https://github.example/" + rp.owner + "/" + rp.name + "/issues/" + strconv.Itoa(i.Number),
		"updated_at": time.Unix(0, 0).UTC().Format(time.RFC3339),
	}
}

// listIssues serves GET /repos/{owner}/{repo}/issues (issues only: the
// bot filters what it reads by title and marker anyway).
func (s *Server) listIssues(r *http.Request, rp *repo) (int, any) {
	state := r.URL.Query().Get("state")
	if state == "" {
		state = "open"
	}
	out := []any{}
	for _, i := range rp.issues {
		if state == "all" || i.State == state {
			out = append(out, issueJSON(rp, i))
		}
	}
	return http.StatusOK, out
}

// createIssue serves POST /repos/{owner}/{repo}/issues.
func (s *Server) createIssue(r *http.Request, rp *repo) (int, any) {
	var req struct {
		Title, Body string
		Labels      []string
	}
	if !decode(r, &req) || req.Title == "" {
		return http.StatusUnprocessableEntity, apiError("Validation Failed")
	}
	// Issues and pull requests share one sequence of numbers.
	i := &Issue{Number: rp.nextNumber, State: "open", Title: req.Title, Body: req.Body, Labels: req.Labels}
	rp.nextNumber++
	rp.issues = append(rp.issues, i)
	return http.StatusCreated, issueJSON(rp, i)
}

// editIssue serves PATCH /repos/{owner}/{repo}/issues/{number}.
func (s *Server) editIssue(r *http.Request, rp *repo) (int, any) {
	n, _ := strconv.Atoi(r.PathValue("number"))
	i := rp.issue(n)
	if i == nil {
		return http.StatusNotFound, apiError("Not Found")
	}
	if !patch(r, &i.Title, &i.Body, &i.State) {
		return http.StatusBadRequest, apiError("Problems parsing JSON")
	}
	return http.StatusOK, issueJSON(rp, i)
}

// Issues returns the repository's issues (not pull requests), in order.
func (s *Server) Issues(fullName string) []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repos[strings.ToLower(fullName)]
	if rp == nil {
		return nil
	}
	out := make([]Issue, len(rp.issues))
	for i, is := range rp.issues {
		out[i] = *is
	}
	return out
}
