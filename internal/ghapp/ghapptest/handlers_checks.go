package ghapptest

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// CheckRun is a check run as the fake stores it.
type CheckRun struct {
	ID          int64
	AppID       int64
	Name        string
	HeadSHA     string
	Status      string // queued, in_progress, completed
	Conclusion  string
	ExternalID  string
	Title       string
	Summary     string
	Annotations []CheckAnnotation
}

// CheckAnnotation is one annotation of a check run.
type CheckAnnotation struct {
	Path               string
	StartLine, EndLine int
	Level              string // notice, warning, failure
	Title, Message     string
}

// maxAnnotations is how many annotations GitHub takes in one request.
const maxAnnotations = 50

// CheckRuns returns copies of the repository's check runs, oldest first.
func (s *Server) CheckRuns(fullName string) []CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []CheckRun
	if rp := s.repos[strings.ToLower(fullName)]; rp != nil {
		for _, c := range rp.checkRuns {
			cp := *c
			cp.Annotations = slices.Clone(c.Annotations)
			out = append(out, cp)
		}
	}
	return out
}

// mergeBase returns the newest common ancestor of two commits (the
// first found walking b's history breadth first), or "".
func (r *repo) mergeBase(a, b string) string {
	ancestors := map[string]bool{}
	r.walkHistory(a, func(c string) bool { ancestors[c] = true; return true })
	base := ""
	r.walkHistory(b, func(c string) bool {
		if ancestors[c] {
			base = c
		}
		return base == ""
	})
	return base
}

// listPullFiles is GET /repos/{owner}/{repo}/pulls/{number}/files: each
// file the pull request changes since the merge base of its base and
// head, with its patch, paged.
func (s *Server) listPullFiles(r *http.Request, rp *repo) (int, any) {
	p := rp.pullFrom(r)
	if p == nil {
		return http.StatusNotFound, apiError("Not Found")
	}
	head := rp.refs["refs/heads/"+p.Head]
	base := rp.mergeBase(rp.refs["refs/heads/"+p.Base], head)
	var oldFiles map[string]flatEntry
	if base != "" {
		oldFiles = rp.flatten(rp.objects[base].commit.Tree)
	}
	newFiles := rp.flatten(rp.objects[head].commit.Tree)
	var names []string
	for n, e := range newFiles {
		if oldFiles[n].SHA != e.SHA {
			names = append(names, n)
		}
	}
	for n := range oldFiles {
		if _, ok := newFiles[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	items := []any{}
	for _, n := range names {
		o, nw := oldFiles[n], newFiles[n]
		status, sha := "modified", nw.SHA
		switch {
		case o.SHA == "":
			status = "added"
		case nw.SHA == "":
			status, sha = "removed", o.SHA
		}
		item := map[string]any{
			"sha": sha, "filename": n, "status": status,
			"blob_url": "https://github.example/" + rp.fullName() + "/blob/" + head + "/" + n,
		}
		patch, adds, dels, ok := unifiedPatch(rp.blobText(o.SHA), rp.blobText(nw.SHA))
		item["additions"], item["deletions"], item["changes"] = adds, dels, adds+dels
		if ok {
			item["patch"] = patch
		}
		items = append(items, item)
	}
	page, link := s.page(r, items)
	return http.StatusOK, paged{body: page, link: link}
}

func (r *repo) blobText(sha string) string {
	if o := r.objects[sha]; o != nil {
		return string(o.data)
	}
	return ""
}

// checkRunRequest is the body of creating or updating a check run.
type checkRunRequest struct {
	Name       *string `json:"name"`
	HeadSHA    *string `json:"head_sha"`
	ExternalID *string `json:"external_id"`
	Status     *string `json:"status"`
	Conclusion *string `json:"conclusion"`
	Output     *struct {
		Title       *string `json:"title"`
		Summary     *string `json:"summary"`
		Annotations []struct {
			Path            string `json:"path"`
			StartLine       int    `json:"start_line"`
			EndLine         int    `json:"end_line"`
			AnnotationLevel string `json:"annotation_level"`
			Title           string `json:"title"`
			Message         string `json:"message"`
		} `json:"annotations"`
	} `json:"output"`
}

// apply sets what the request names on c; it returns a refusal message
// when GitHub would answer 422.
func (req checkRunRequest) apply(c *CheckRun) string {
	if req.Name != nil {
		c.Name = *req.Name
	}
	if req.ExternalID != nil {
		c.ExternalID = *req.ExternalID
	}
	if req.Status != nil {
		c.Status = *req.Status
	}
	if req.Conclusion != nil {
		c.Conclusion, c.Status = *req.Conclusion, "completed"
	}
	switch c.Conclusion {
	case "", "action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out":
	default:
		return "Invalid request.\n\nconclusion is not a member of the allowed values"
	}
	if c.Status == "completed" && c.Conclusion == "" {
		return "Invalid request.\n\nNo subschema in \"anyOf\" matched: conclusion is required when status is completed"
	}
	if o := req.Output; o != nil {
		if o.Title == nil || o.Summary == nil {
			return "Invalid request.\n\n\"title\" and \"summary\" weren't supplied."
		}
		if len(o.Annotations) > maxAnnotations {
			return "Invalid request.\n\nOnly 50 annotations are allowed per request"
		}
		c.Title, c.Summary = *o.Title, *o.Summary
		for _, a := range o.Annotations {
			if a.Path == "" || a.StartLine < 1 || a.EndLine < a.StartLine || a.Message == "" ||
				!slices.Contains([]string{"notice", "warning", "failure"}, a.AnnotationLevel) {
				return "Invalid request.\n\nannotation needs path, start_line, end_line, annotation_level and message"
			}
			// GitHub adds the annotations of an update to those it has.
			c.Annotations = append(c.Annotations, CheckAnnotation{Path: a.Path, StartLine: a.StartLine, EndLine: a.EndLine,
				Level: a.AnnotationLevel, Title: a.Title, Message: a.Message})
		}
	}
	return ""
}

func (s *Server) checkRunJSON(rp *repo, c *CheckRun) map[string]any {
	return map[string]any{
		"id": c.ID, "name": c.Name, "head_sha": c.HeadSHA, "status": c.Status, "conclusion": nilIfEmpty(c.Conclusion),
		"external_id": c.ExternalID,
		"html_url":    "https://github.example/" + rp.fullName() + "/runs/" + strconv.FormatInt(c.ID, 10),
		"app":         map[string]any{"id": c.AppID},
		"output": map[string]any{
			"title": nilIfEmpty(c.Title), "summary": nilIfEmpty(c.Summary), "annotations_count": len(c.Annotations),
		},
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// createCheckRun is POST /repos/{owner}/{repo}/check-runs (installation
// tokens only, as on GitHub: the run belongs to the app).
func (s *Server) createCheckRun(r *http.Request, rp *repo) (int, any) {
	var req checkRunRequest
	if !decode(r, &req) || req.Name == nil || *req.Name == "" || req.HeadSHA == nil {
		return http.StatusUnprocessableEntity, apiError("Invalid request.\n\n\"name\" and \"head_sha\" weren't supplied.")
	}
	if o := rp.objects[*req.HeadSHA]; o == nil || o.commit == nil {
		return http.StatusUnprocessableEntity, apiError("No commit found for SHA: " + *req.HeadSHA)
	}
	s.nextCheckRun++
	c := &CheckRun{ID: s.nextCheckRun, AppID: s.AppID, HeadSHA: *req.HeadSHA, Status: "queued"}
	if msg := req.apply(c); msg != "" {
		return http.StatusUnprocessableEntity, apiError(msg)
	}
	rp.checkRuns = append(rp.checkRuns, c)
	return http.StatusCreated, s.checkRunJSON(rp, c)
}

// updateCheckRun is PATCH /repos/{owner}/{repo}/check-runs/{id}.
func (s *Server) updateCheckRun(r *http.Request, rp *repo) (int, any) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	i := slices.IndexFunc(rp.checkRuns, func(c *CheckRun) bool { return c.ID == id })
	if i < 0 {
		return http.StatusNotFound, apiError("Not Found")
	}
	var req checkRunRequest
	if !decode(r, &req) {
		return http.StatusBadRequest, apiError("Problems parsing JSON")
	}
	c := *rp.checkRuns[i]
	if msg := req.apply(&c); msg != "" {
		return http.StatusUnprocessableEntity, apiError(msg)
	}
	*rp.checkRuns[i] = c
	return http.StatusOK, s.checkRunJSON(rp, &c)
}

// listCheckRunsForRef is GET /repos/{owner}/{repo}/commits/{ref}/check-runs,
// filtered by check_name and app_id; newest first.
func (s *Server) listCheckRunsForRef(r *http.Request, rp *repo) (int, any) {
	sha := r.PathValue("ref")
	if b, ok := rp.refs["refs/heads/"+sha]; ok {
		sha = b
	}
	q := r.URL.Query()
	runs := []any{}
	for i := len(rp.checkRuns) - 1; i >= 0; i-- {
		c := rp.checkRuns[i]
		if c.HeadSHA != sha || q.Get("check_name") != "" && q.Get("check_name") != c.Name ||
			q.Get("app_id") != "" && q.Get("app_id") != strconv.FormatInt(c.AppID, 10) {
			continue
		}
		runs = append(runs, s.checkRunJSON(rp, c))
	}
	page, link := s.page(r, runs)
	return http.StatusOK, paged{body: map[string]any{"total_count": len(runs), "check_runs": page}, link: link}
}

// Branch creates branch to at the head of branch from, as a person
// starting work would.
func (s *Server) Branch(t testing.TB, fullName, from, to string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repos[strings.ToLower(fullName)]
	if rp == nil || rp.refs["refs/heads/"+from] == "" {
		t.Fatalf("ghapptest: no branch %s in %s", from, fullName)
	}
	rp.refs["refs/heads/"+to] = rp.refs["refs/heads/"+from]
}
