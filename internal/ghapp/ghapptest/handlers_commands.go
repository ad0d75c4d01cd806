package ghapptest

import (
	"net/http"
	"strconv"
	"strings"
)

// Slug is the app's slug the fake answers GET /app with; its bot account
// is Slug + "[bot]", the author of every comment the app writes.
const Slug = "bumpbot"

// getApp serves GET /app: the authenticated app, for a valid app JWT.
func (s *Server) getApp(r *http.Request, _ *repo) (int, any) {
	if !s.appJWT(r) {
		return http.StatusUnauthorized, apiError("A JSON web token could not be decoded")
	}
	return http.StatusOK, map[string]any{"id": s.AppID, "slug": Slug, "name": "Bumpbot"}
}

// getPermission serves GET /repos/{owner}/{repo}/collaborators/{user}/permission:
// what SetPermission granted, "read" for anyone else (GitHub's answer for
// a user who can see the repository but is no collaborator).
func (s *Server) getPermission(r *http.Request, rp *repo) (int, any) {
	user := r.PathValue("user")
	perm := rp.perms[strings.ToLower(user)]
	if perm == "" {
		perm = "read"
	}
	return http.StatusOK, map[string]any{"permission": perm, "role_name": perm, "user": map[string]any{"login": user}}
}

// SetPermission gives user a permission on the repository: admin,
// maintain, write, triage or read.
func (s *Server) SetPermission(fullName, user, perm string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rp := s.repos[strings.ToLower(fullName)]; rp != nil {
		if rp.perms == nil {
			rp.perms = map[string]string{}
		}
		rp.perms[strings.ToLower(user)] = perm
	}
}

// createReaction serves POST /repos/{owner}/{repo}/issues/comments/{id}/reactions.
// A second identical reaction of the same user is answered 200 with the
// first, as GitHub does.
func (s *Server) createReaction(r *http.Request, rp *repo) (int, any) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var req struct{ Content string }
	if !decode(r, &req) || req.Content == "" {
		return http.StatusUnprocessableEntity, apiError("Validation Failed")
	}
	for _, c := range rp.comments {
		if c.ID != id {
			continue
		}
		out := map[string]any{"id": id, "content": req.Content, "user": map[string]any{"login": Slug + "[bot]"}}
		for _, have := range c.Reactions {
			if have == req.Content {
				return http.StatusOK, out
			}
		}
		c.Reactions = append(c.Reactions, req.Content)
		return http.StatusCreated, out
	}
	return http.StatusNotFound, apiError("Not Found")
}

// deleteRef serves DELETE /repos/{owner}/{repo}/git/refs/{ref...}.
func (s *Server) deleteRef(r *http.Request, rp *repo) (int, any) {
	ref := "refs/" + r.PathValue("ref")
	if _, ok := rp.refs[ref]; !ok {
		return http.StatusUnprocessableEntity, apiError("Reference does not exist")
	}
	delete(rp.refs, ref)
	return http.StatusNoContent, nil
}

// AddComment writes a comment by user on issue or pull request number,
// as a person would, and returns its id (0 when there is no such issue).
func (s *Server) AddComment(fullName string, number int, user, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repos[strings.ToLower(fullName)]
	if rp == nil || rp.pull(number) == nil && rp.issue(number) == nil {
		return 0
	}
	c := &Comment{ID: int64(len(rp.comments) + 1), Number: number, Body: body, User: user}
	rp.comments = append(rp.comments, c)
	return c.ID
}
