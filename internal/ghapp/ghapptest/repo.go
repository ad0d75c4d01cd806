package ghapptest

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// repo is one repository's state: git objects, refs and the issue tracker.
type repo struct {
	id            int64
	owner, name   string
	defaultBranch string
	objects       map[string]*object
	refs          map[string]string // "refs/heads/main" → commit SHA
	pulls         []*Pull
	issues        []*Issue
	labels        map[string]*Label // by lower-case name
	comments      []*Comment
	nextNumber    int
	renamed       map[string]string // old branch name → new, for redirects
	archived      bool
	perms         map[string]string // lower-case login → permission
	checkRuns     []*CheckRun
	// allowAutoMerge is the repository's "Allow auto-merge" setting.
	allowAutoMerge bool
}

// Pull is a pull request as the fake stores it.
type Pull struct {
	Number int
	State  string // open, closed
	Merged bool   // closed by a merge (MergePull)
	Title  string
	Body   string
	Head   string // branch name
	Base   string // branch name
	Labels []string
	// Reviewers and TeamReviewers were requested, Assignees assigned.
	Reviewers, TeamReviewers, Assignees []string
	// AutoMerge: auto-merge is enabled.
	AutoMerge bool
	// Created is when it was opened, on the fake's clock.
	Created time.Time
}

// Label is a repository label.
type Label struct {
	Name, Color, Description string
}

// Comment is an issue or pull request comment.
type Comment struct {
	ID     int64
	Number int
	Body   string
	// User wrote it: the app's bot account unless AddComment said.
	User string
	// Reactions are the reactions' contents ("+1"), oldest first.
	Reactions []string
}

func (r *repo) fullName() string { return r.owner + "/" + r.name }

func (r *repo) json() map[string]any {
	return map[string]any{
		"id": r.id, "name": r.name, "full_name": r.fullName(),
		"owner":          map[string]any{"login": r.owner},
		"default_branch": r.defaultBranch, "private": true, "archived": r.archived,
		"html_url": "https://github.example/" + r.fullName(),
	}
}

// AddInstallation grants installation id access to the named repositories
// (which may be created before or after).
func (s *Server) AddInstallation(id int64, repos ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.installations[id] = append(s.installations[id], repos...)
}

// CreateRepo creates a repository whose default branch holds files (path
// → content) in one commit, and returns that commit's SHA.
func (s *Server) CreateRepo(t testing.TB, fullName, defaultBranch string, files map[string]string) string {
	t.Helper()
	owner, name, ok := strings.Cut(fullName, "/")
	if !ok {
		t.Fatalf("ghapptest: repo name %q is not owner/name", fullName)
	}
	s.mu.Lock()
	rp := &repo{
		id: int64(len(s.repos) + 1), owner: owner, name: name, defaultBranch: defaultBranch,
		objects: map[string]*object{}, refs: map[string]string{}, labels: map[string]*Label{},
		nextNumber: 1,
	}
	s.repos[strings.ToLower(fullName)] = rp
	s.mu.Unlock()
	return s.Push(t, fullName, defaultBranch, files, "initial commit")
}

// Push commits files (path → content; an empty content deletes the path)
// on top of branch, creating the branch when needed, and returns the new
// commit SHA. It is how tests play a developer pushing.
func (s *Server) Push(t testing.TB, fullName, branch string, files map[string]string, message string) string {
	t.Helper()
	return s.PushAs(t, fullName, branch, files, message, Person)
}

// Person is the committer of the commits Push makes: a developer.
const Person = "bumpbot-test"

// PushAs is Push by a given committer (Slug+"[bot]" plays the app).
func (s *Server) PushAs(t testing.TB, fullName, branch string, files map[string]string, message, committer string) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repos[strings.ToLower(fullName)]
	if rp == nil {
		t.Fatalf("ghapptest: no repo %s", fullName)
	}
	flat := map[string]flatEntry{}
	var parents []string
	if head, ok := rp.refs["refs/heads/"+branch]; ok {
		parents = []string{head}
		flat = rp.flatten(rp.objects[head].commit.Tree)
	}
	for p, c := range files {
		if c == "" {
			delete(flat, p)
			continue
		}
		flat[p] = flatEntry{Mode: modeFile, SHA: rp.putBlob([]byte(c))}
	}
	s.now = s.now.Add(time.Minute)
	sha := rp.putCommit(rp.buildTree(flat), parents, message, committer, s.now)
	rp.refs["refs/heads/"+branch] = sha
	return sha
}

// File returns the content of path at branch, and whether it exists.
func (s *Server) File(fullName, branch, path string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repos[strings.ToLower(fullName)]
	if rp == nil {
		return nil, false
	}
	tree, ok := rp.resolveTree(branch)
	if !ok {
		return nil, false
	}
	e, ok := rp.flatten(tree)[path]
	if !ok {
		return nil, false
	}
	return append([]byte(nil), rp.objects[e.SHA].data...), true
}

// Branches returns the repository's branch names, sorted.
func (s *Server) Branches(fullName string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	if rp := s.repos[strings.ToLower(fullName)]; rp != nil {
		for ref := range rp.refs {
			out = append(out, strings.TrimPrefix(ref, "refs/heads/"))
		}
	}
	sort.Strings(out)
	return out
}

// Head returns the commit SHA branch points to.
func (s *Server) Head(fullName, branch string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rp := s.repos[strings.ToLower(fullName)]; rp != nil {
		return rp.refs["refs/heads/"+branch]
	}
	return ""
}

// Pulls returns copies of the repository's pull requests by number.
func (s *Server) Pulls(fullName string) []Pull {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Pull
	if rp := s.repos[strings.ToLower(fullName)]; rp != nil {
		for _, p := range rp.pulls {
			c := *p
			c.Labels = append([]string(nil), p.Labels...)
			out = append(out, c)
		}
	}
	return out
}

// Labels returns the repository's labels, sorted by name.
func (s *Server) Labels(fullName string) []Label {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Label
	if rp := s.repos[strings.ToLower(fullName)]; rp != nil {
		for _, l := range rp.labels {
			out = append(out, *l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Comments returns the comments of issue or pull request number.
func (s *Server) Comments(fullName string, number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	if rp := s.repos[strings.ToLower(fullName)]; rp != nil {
		for _, c := range rp.comments {
			if c.Number == number {
				out = append(out, *c)
			}
		}
	}
	return out
}

// ClosePull closes pull request number, as a maintainer would.
func (s *Server) ClosePull(fullName string, number int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rp := s.repos[strings.ToLower(fullName)]; rp != nil {
		if p := rp.pull(number); p != nil {
			p.State = "closed"
		}
	}
}

// MergePull marks pull request number merged (closed, with merged_at set)
// without moving its base branch, as a merge later reverted would leave it.
func (s *Server) MergePull(fullName string, number int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rp := s.repos[strings.ToLower(fullName)]; rp != nil {
		if p := rp.pull(number); p != nil {
			p.State, p.Merged = "closed", true
		}
	}
}

func (r *repo) pull(number int) *Pull {
	for _, p := range r.pulls {
		if p.Number == number {
			return p
		}
	}
	return nil
}

// RenameBranch renames a branch the way GitHub does: the ref moves, the
// default branch and the pull requests based on or headed by it follow,
// and the old name's branch URL answers 301 to the new one.
func (s *Server) RenameBranch(t testing.TB, fullName, from, to string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repos[strings.ToLower(fullName)]
	if rp == nil || rp.refs["refs/heads/"+from] == "" || rp.refs["refs/heads/"+to] != "" {
		t.Fatalf("ghapptest: cannot rename %s to %s in %s", from, to, fullName)
	}
	rp.refs["refs/heads/"+to] = rp.refs["refs/heads/"+from]
	delete(rp.refs, "refs/heads/"+from)
	if rp.defaultBranch == from {
		rp.defaultBranch = to
	}
	for _, p := range rp.pulls {
		if p.Base == from {
			p.Base = to
		}
		if p.Head == from {
			p.Head = to
		}
	}
	if rp.renamed == nil {
		rp.renamed = map[string]string{}
	}
	rp.renamed[from] = to
}
