package ghapptest

import "net/http"

// requestReviewers serves POST /repos/{owner}/{repo}/pulls/{number}/requested_reviewers.
func (s *Server) requestReviewers(r *http.Request, rp *repo) (int, any) {
	p := rp.pullFrom(r)
	if p == nil {
		return http.StatusNotFound, apiError("Not Found")
	}
	var req struct {
		Reviewers     []string `json:"reviewers"`
		TeamReviewers []string `json:"team_reviewers"`
	}
	if !decode(r, &req) {
		return http.StatusBadRequest, apiError("Problems parsing JSON")
	}
	p.Reviewers = appendNew(p.Reviewers, req.Reviewers...)
	p.TeamReviewers = appendNew(p.TeamReviewers, req.TeamReviewers...)
	return http.StatusCreated, rp.pullJSON(p)
}

// addAssignees serves POST /repos/{owner}/{repo}/issues/{number}/assignees.
func (s *Server) addAssignees(r *http.Request, rp *repo) (int, any) {
	p := rp.pullFrom(r)
	if p == nil {
		return http.StatusNotFound, apiError("Not Found")
	}
	var req struct {
		Assignees []string `json:"assignees"`
	}
	if !decode(r, &req) {
		return http.StatusBadRequest, apiError("Problems parsing JSON")
	}
	p.Assignees = appendNew(p.Assignees, req.Assignees...)
	return http.StatusCreated, rp.pullJSON(p)
}

// appendNew appends the names not in list yet.
func appendNew(list []string, names ...string) []string {
	for _, n := range names {
		has := false
		for _, l := range list {
			has = has || l == n
		}
		if !has {
			list = append(list, n)
		}
	}
	return list
}
