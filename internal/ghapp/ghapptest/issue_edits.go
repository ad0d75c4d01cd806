package ghapptest

import (
	"net/http"
	"strconv"
	"strings"
)

// getIssue serves GET /repos/{owner}/{repo}/issues/{number}.
func (s *Server) getIssue(r *http.Request, rp *repo) (int, any) {
	n, _ := strconv.Atoi(r.PathValue("number"))
	i := rp.issue(n)
	if i == nil {
		return http.StatusNotFound, apiError("Not Found")
	}
	return http.StatusOK, issueJSON(rp, i)
}

// EditIssue changes an issue as a person would in the web page: its body
// unless body is "", its state (open, closed) unless state is "". It
// reports whether the issue exists. The test then delivers the issues
// webhook GitHub would send.
func (s *Server) EditIssue(fullName string, number int, body, state string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repos[strings.ToLower(fullName)]
	if rp == nil {
		return false
	}
	i := rp.issue(number)
	if i == nil {
		return false
	}
	if body != "" {
		i.Body = body
	}
	if state != "" {
		i.State = state
	}
	return true
}
