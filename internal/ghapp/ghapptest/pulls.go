package ghapptest

import (
	"strings"
	"testing"
	"time"
)

// OpenPull opens a pull request from head to the default branch as if
// opened at created (the branch must exist: Push it first) and returns
// its number, so a test can set up pull requests of any age.
func (s *Server) OpenPull(t testing.TB, fullName, head, title, body string, created time.Time) int {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repos[strings.ToLower(fullName)]
	if rp == nil || rp.refs["refs/heads/"+head] == "" {
		t.Fatalf("ghapptest: no branch %s in %s", head, fullName)
	}
	p := &Pull{Number: rp.nextNumber, State: "open", Title: title, Body: body, Head: head, Base: rp.defaultBranch, Created: created}
	rp.nextNumber++
	rp.pulls = append(rp.pulls, p)
	return p.Number
}
