package ghapptest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func (rp *repo) pullJSON(p *Pull) map[string]any {
	var labels []any
	for _, l := range p.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	teams := []any{}
	for _, t := range p.TeamReviewers {
		teams = append(teams, map[string]any{"slug": t, "name": t})
	}
	var autoMerge any // null unless enabled
	if p.AutoMerge {
		autoMerge = map[string]any{"merge_method": "squash"}
	}
	var mergedAt any // null unless merged, as GitHub answers
	if p.Merged {
		mergedAt = "2024-01-01T00:00:00Z"
	}
	return map[string]any{
		"number": p.Number, "state": p.State, "title": p.Title, "body": p.Body, "merged_at": mergedAt,
		"created_at": p.Created.UTC().Format(time.RFC3339),
		"html_url":   "https://github.example/" + rp.fullName() + "/pull/" + strconv.Itoa(p.Number),
		"head": map[string]any{
			"ref": p.Head, "sha": rp.refs["refs/heads/"+p.Head], "label": rp.owner + ":" + p.Head,
		},
		"base":   map[string]any{"ref": p.Base, "sha": rp.refs["refs/heads/"+p.Base]},
		"labels": labels, "requested_teams": teams, "node_id": rp.pullNodeID(p), "auto_merge": autoMerge,
	}
}

// listPulls filters by state (default open), head ("owner:branch") and base.
func (s *Server) listPulls(r *http.Request, rp *repo) (int, any) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	out := []any{}
	for _, p := range rp.pulls {
		if state != "all" && p.State != state {
			continue
		}
		if h := q.Get("head"); h != "" && h != rp.owner+":"+p.Head {
			continue
		}
		if b := q.Get("base"); b != "" && b != p.Base {
			continue
		}
		out = append(out, rp.pullJSON(p))
	}
	return http.StatusOK, out
}

func (s *Server) createPull(r *http.Request, rp *repo) (int, any) {
	var req struct {
		Title, Head, Base, Body string
	}
	if !decode(r, &req) || req.Title == "" {
		return http.StatusUnprocessableEntity, apiError("Validation Failed")
	}
	head := req.Head
	if owner, branch, ok := strings.Cut(head, ":"); ok {
		if owner != rp.owner {
			return http.StatusUnprocessableEntity, apiError("Validation Failed: head")
		}
		head = branch
	}
	if _, ok := rp.refs["refs/heads/"+head]; !ok {
		return http.StatusUnprocessableEntity, apiError("Validation Failed: head does not exist")
	}
	if _, ok := rp.refs["refs/heads/"+req.Base]; !ok {
		return http.StatusUnprocessableEntity, apiError("Validation Failed: base does not exist")
	}
	for _, p := range rp.pulls {
		if p.State == "open" && p.Head == head && p.Base == req.Base {
			return http.StatusUnprocessableEntity, apiError("A pull request already exists for " + rp.owner + ":" + head + ".")
		}
	}
	p := &Pull{Number: rp.nextNumber, State: "open", Title: req.Title, Body: req.Body, Head: head, Base: req.Base, Created: s.now}
	rp.nextNumber++
	rp.pulls = append(rp.pulls, p)
	return http.StatusCreated, rp.pullJSON(p)
}

func (rp *repo) pullFrom(r *http.Request) *Pull {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil {
		return nil
	}
	return rp.pull(n)
}

func (s *Server) getPull(r *http.Request, rp *repo) (int, any) {
	p := rp.pullFrom(r)
	if p == nil {
		return http.StatusNotFound, apiError("Not Found")
	}
	return http.StatusOK, rp.pullJSON(p)
}

func (s *Server) editPull(r *http.Request, rp *repo) (int, any) {
	p := rp.pullFrom(r)
	if p == nil {
		return http.StatusNotFound, apiError("Not Found")
	}
	if !patch(r, &p.Title, &p.Body, &p.State) {
		return http.StatusBadRequest, apiError("Problems parsing JSON")
	}
	return http.StatusOK, rp.pullJSON(p)
}

func (rp *repo) labelJSON(l *Label) map[string]any {
	return map[string]any{"name": l.Name, "color": l.Color, "description": l.Description}
}

func (s *Server) issueLabels(rp *repo, p *Pull) []any {
	out := []any{}
	for _, n := range p.Labels {
		out = append(out, rp.labelJSON(rp.labels[strings.ToLower(n)]))
	}
	return out
}

func (s *Server) listIssueLabels(r *http.Request, rp *repo) (int, any) {
	p := rp.pullFrom(r)
	if p == nil {
		return http.StatusNotFound, apiError("Not Found")
	}
	return http.StatusOK, s.issueLabels(rp, p)
}

// addIssueLabels accepts a bare array or {"labels": [...]} and, like
// GitHub, creates labels that do not exist yet.
func (s *Server) addIssueLabels(r *http.Request, rp *repo) (int, any) {
	p := rp.pullFrom(r)
	if p == nil {
		return http.StatusNotFound, apiError("Not Found")
	}
	var raw json.RawMessage
	if !decode(r, &raw) {
		return http.StatusBadRequest, apiError("Problems parsing JSON")
	}
	var names []string
	if json.Unmarshal(raw, &names) != nil {
		var obj struct{ Labels []string }
		if json.Unmarshal(raw, &obj) != nil {
			return http.StatusUnprocessableEntity, apiError("Validation Failed")
		}
		names = obj.Labels
	}
	for _, n := range names {
		if rp.labels[strings.ToLower(n)] == nil {
			rp.labels[strings.ToLower(n)] = &Label{Name: n, Color: "ededed"}
		}
		has := false
		for _, l := range p.Labels {
			has = has || strings.EqualFold(l, n)
		}
		if !has {
			p.Labels = append(p.Labels, n)
		}
	}
	return http.StatusOK, s.issueLabels(rp, p)
}

func (s *Server) getLabel(r *http.Request, rp *repo) (int, any) {
	l := rp.labels[strings.ToLower(r.PathValue("name"))]
	if l == nil {
		return http.StatusNotFound, apiError("Not Found")
	}
	return http.StatusOK, rp.labelJSON(l)
}

func (s *Server) createLabel(r *http.Request, rp *repo) (int, any) {
	var req Label
	if !decode(r, &req) || req.Name == "" {
		return http.StatusUnprocessableEntity, apiError("Validation Failed")
	}
	if rp.labels[strings.ToLower(req.Name)] != nil {
		return http.StatusUnprocessableEntity, apiError("Validation Failed: already_exists")
	}
	l := &Label{Name: req.Name, Color: req.Color, Description: req.Description}
	rp.labels[strings.ToLower(req.Name)] = l
	return http.StatusCreated, rp.labelJSON(l)
}

func commentJSON(c *Comment) map[string]any {
	user := c.User
	if user == "" {
		user = Slug + "[bot]"
	}
	return map[string]any{"id": c.ID, "body": c.Body, "user": map[string]any{"login": user}}
}

func (s *Server) listComments(r *http.Request, rp *repo) (int, any) {
	n, _ := strconv.Atoi(r.PathValue("number"))
	if rp.pull(n) == nil && rp.issue(n) == nil {
		return http.StatusNotFound, apiError("Not Found")
	}
	out := []any{}
	for _, c := range rp.comments {
		if c.Number == n {
			out = append(out, commentJSON(c))
		}
	}
	return http.StatusOK, out
}

func (s *Server) createComment(r *http.Request, rp *repo) (int, any) {
	n, _ := strconv.Atoi(r.PathValue("number"))
	var req struct{ Body string }
	if rp.pull(n) == nil && rp.issue(n) == nil || !decode(r, &req) || req.Body == "" {
		return http.StatusUnprocessableEntity, apiError("Validation Failed")
	}
	c := &Comment{ID: int64(len(rp.comments) + 1), Number: n, Body: req.Body}
	rp.comments = append(rp.comments, c)
	return http.StatusCreated, commentJSON(c)
}

func (s *Server) editComment(r *http.Request, rp *repo) (int, any) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var req struct{ Body string }
	if !decode(r, &req) {
		return http.StatusBadRequest, apiError("Problems parsing JSON")
	}
	for _, c := range rp.comments {
		if c.ID == id {
			c.Body = req.Body
			return http.StatusOK, commentJSON(c)
		}
	}
	return http.StatusNotFound, apiError("Not Found")
}

// patch applies an edit request's title, body and state (each optional)
// to an issue or pull request; false when the body is not JSON.
func patch(r *http.Request, title, body, state *string) bool {
	var req struct {
		Title, Body, State *string
	}
	if !decode(r, &req) {
		return false
	}
	for _, f := range []struct{ from, to *string }{{req.Title, title}, {req.Body, body}, {req.State, state}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	return true
}
