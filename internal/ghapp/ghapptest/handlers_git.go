package ghapptest

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

func (s *Server) getRepo(_ *http.Request, rp *repo) (int, any) { return http.StatusOK, rp.json() }

func (s *Server) getBranch(r *http.Request, rp *repo) (int, any) {
	name := r.PathValue("branch")
	sha, ok := rp.refs["refs/heads/"+name]
	if to, moved := rp.renamed[name]; !ok && moved {
		return http.StatusMovedPermanently, redirect("/repos/" + rp.fullName() + "/branches/" + url.PathEscape(to))
	}
	if !ok {
		return http.StatusNotFound, apiError("Branch not found")
	}
	c := rp.objects[sha].commit
	return http.StatusOK, map[string]any{
		"name": name,
		"commit": map[string]any{
			"sha":    sha,
			"commit": map[string]any{"message": c.Message, "tree": map[string]any{"sha": c.Tree}},
		},
		"protected": false,
	}
}

func (s *Server) getTree(r *http.Request, rp *repo) (int, any) {
	sha, ok := rp.resolveTree(r.PathValue("sha"))
	if !ok {
		return http.StatusNotFound, apiError("Not Found")
	}
	recursive := r.URL.Query().Get("recursive") != ""
	var entries []any
	var walk func(tree, prefix string)
	walk = func(tree, prefix string) {
		for _, e := range rp.objects[tree].tree {
			p := path.Join(prefix, e.Name)
			item := map[string]any{"path": p, "mode": e.Mode, "sha": e.SHA}
			if e.Mode == modeDir {
				item["type"] = "tree"
			} else {
				item["type"] = "blob"
				item["size"] = len(rp.objects[e.SHA].data)
			}
			entries = append(entries, item)
			if e.Mode == modeDir && recursive {
				walk(e.SHA, p)
			}
		}
	}
	walk(sha, "")
	return http.StatusOK, map[string]any{"sha": sha, "tree": entries, "truncated": false}
}

// createTree applies entries (path with content, sha, or null sha to
// delete) on top of base_tree, like GitHub's "create a tree".
func (s *Server) createTree(r *http.Request, rp *repo) (int, any) {
	var req struct {
		BaseTree string `json:"base_tree"`
		Tree     []struct {
			Path    string  `json:"path"`
			Mode    string  `json:"mode"`
			Type    string  `json:"type"`
			SHA     *string `json:"sha"`
			Content *string `json:"content"`
		} `json:"tree"`
	}
	if !decode(r, &req) {
		return http.StatusBadRequest, apiError("Problems parsing JSON")
	}
	flat := map[string]flatEntry{}
	if req.BaseTree != "" {
		o := rp.objects[req.BaseTree]
		if o == nil || o.typ != "tree" {
			return http.StatusUnprocessableEntity, apiError("base_tree is not a valid tree oid")
		}
		flat = rp.flatten(req.BaseTree)
	}
	for _, e := range req.Tree {
		if e.Path == "" || strings.HasPrefix(e.Path, "/") || e.Type != "blob" {
			return http.StatusUnprocessableEntity, apiError("tree.path or tree.type is invalid")
		}
		mode := e.Mode
		if mode == "" {
			mode = modeFile
		}
		switch {
		case e.Content != nil:
			flat[e.Path] = flatEntry{Mode: mode, SHA: rp.putBlob([]byte(*e.Content))}
		case e.SHA == nil:
			delete(flat, e.Path)
		default:
			if !rp.has(*e.SHA, "blob") {
				return http.StatusUnprocessableEntity, apiError("tree.sha is not a valid blob")
			}
			flat[e.Path] = flatEntry{Mode: mode, SHA: *e.SHA}
		}
	}
	sha := rp.buildTree(flat)
	return http.StatusCreated, map[string]any{"sha": sha, "truncated": false}
}

func (s *Server) getBlob(r *http.Request, rp *repo) (int, any) {
	sha := r.PathValue("sha")
	o := rp.objects[sha]
	if o == nil || o.typ != "blob" {
		return http.StatusNotFound, apiError("Not Found")
	}
	if strings.Contains(r.Header.Get("Accept"), "raw") {
		return http.StatusOK, append([]byte(nil), o.data...)
	}
	return http.StatusOK, map[string]any{
		"sha": sha, "size": len(o.data), "encoding": "base64",
		"content": base64.StdEncoding.EncodeToString(o.data),
	}
}

func (s *Server) createBlob(r *http.Request, rp *repo) (int, any) {
	var req struct {
		Content  string `json:"content"`
		Encoding string `json:"encoding"`
	}
	if !decode(r, &req) {
		return http.StatusBadRequest, apiError("Problems parsing JSON")
	}
	data := []byte(req.Content)
	switch req.Encoding {
	case "base64":
		var err error
		if data, err = base64.StdEncoding.DecodeString(req.Content); err != nil {
			return http.StatusUnprocessableEntity, apiError("content is not valid Base64")
		}
	case "", "utf-8":
		if !utf8.Valid(data) {
			return http.StatusUnprocessableEntity, apiError("content is not valid UTF-8")
		}
	default:
		return http.StatusUnprocessableEntity, apiError("encoding is invalid")
	}
	return http.StatusCreated, map[string]any{"sha": rp.putBlob(data)}
}

func commitJSON(rp *repo, sha string) map[string]any {
	c := rp.objects[sha].commit
	var parents []any
	for _, p := range c.Parents {
		parents = append(parents, map[string]any{"sha": p})
	}
	who := map[string]any{"name": c.Committer, "email": "test@example.com", "date": c.When.UTC().Format(time.RFC3339)}
	return map[string]any{"sha": sha, "message": c.Message, "tree": map[string]any{"sha": c.Tree}, "parents": parents, "author": who, "committer": who}
}

func (s *Server) getCommit(r *http.Request, rp *repo) (int, any) {
	sha := r.PathValue("sha")
	if !rp.has(sha, "commit") {
		return http.StatusNotFound, apiError("Not Found")
	}
	return http.StatusOK, commitJSON(rp, sha)
}

func (s *Server) createCommit(r *http.Request, rp *repo) (int, any) {
	var req struct {
		Message string   `json:"message"`
		Tree    string   `json:"tree"`
		Parents []string `json:"parents"`
	}
	if !decode(r, &req) {
		return http.StatusBadRequest, apiError("Problems parsing JSON")
	}
	if !rp.has(req.Tree, "tree") {
		return http.StatusUnprocessableEntity, apiError("Tree SHA does not exist")
	}
	for _, p := range req.Parents {
		if !rp.has(p, "commit") {
			return http.StatusUnprocessableEntity, apiError("Parent SHA does not exist or is not a commit object")
		}
	}
	s.now = s.now.Add(1e9)
	// Made with an installation token: GitHub names the app's bot
	// account as author and committer; with a workflow's token, the
	// Actions bot.
	committer := Slug + "[bot]"
	if s.plainTokens[bearer(r)] {
		committer = ActionsBot
	}
	sha := rp.putCommit(req.Tree, req.Parents, req.Message, committer, s.now)
	return http.StatusCreated, commitJSON(rp, sha)
}

func refJSON(ref, sha string) map[string]any {
	return map[string]any{"ref": ref, "object": map[string]any{"sha": sha, "type": "commit"}}
}

func (s *Server) getRef(r *http.Request, rp *repo) (int, any) {
	ref := "refs/" + r.PathValue("ref")
	sha, ok := rp.refs[ref]
	if !ok {
		return http.StatusNotFound, apiError("Not Found")
	}
	return http.StatusOK, refJSON(ref, sha)
}

func (s *Server) createRef(r *http.Request, rp *repo) (int, any) {
	var req struct {
		Ref string `json:"ref"`
		SHA string `json:"sha"`
	}
	if !decode(r, &req) || !strings.HasPrefix(req.Ref, "refs/") || strings.Count(req.Ref, "/") < 2 {
		return http.StatusUnprocessableEntity, apiError("Reference name is invalid")
	}
	if !rp.has(req.SHA, "commit") {
		return http.StatusUnprocessableEntity, apiError("Object does not exist")
	}
	if _, ok := rp.refs[req.Ref]; ok {
		return http.StatusUnprocessableEntity, apiError("Reference already exists")
	}
	rp.refs[req.Ref] = req.SHA
	return http.StatusCreated, refJSON(req.Ref, req.SHA)
}

func (s *Server) updateRef(r *http.Request, rp *repo) (int, any) {
	ref := "refs/" + r.PathValue("ref")
	var req struct {
		SHA   string `json:"sha"`
		Force bool   `json:"force"`
	}
	if !decode(r, &req) {
		return http.StatusBadRequest, apiError("Problems parsing JSON")
	}
	old, ok := rp.refs[ref]
	if !ok {
		return http.StatusUnprocessableEntity, apiError("Reference does not exist")
	}
	if !rp.has(req.SHA, "commit") {
		return http.StatusUnprocessableEntity, apiError("Object does not exist")
	}
	if !req.Force && !rp.isAncestor(old, req.SHA) {
		return http.StatusUnprocessableEntity, apiError("Update is not a fast forward")
	}
	rp.refs[ref] = req.SHA
	return http.StatusOK, refJSON(ref, req.SHA)
}

func (s *Server) getContents(r *http.Request, rp *repo) (int, any) {
	ref := r.URL.Query().Get("ref")
	if ref == "" {
		ref = rp.defaultBranch
	}
	tree, ok := rp.resolveTree(ref)
	if !ok {
		return http.StatusNotFound, apiError("No commit found for the ref " + ref)
	}
	p := r.PathValue("path")
	e, ok := rp.flatten(tree)[p]
	if !ok {
		return http.StatusNotFound, apiError("Not Found")
	}
	data := rp.objects[e.SHA].data
	return http.StatusOK, map[string]any{
		"type": "file", "encoding": "base64", "size": len(data), "name": path.Base(p), "path": p,
		"sha": e.SHA, "content": base64.StdEncoding.EncodeToString(data),
	}
}
