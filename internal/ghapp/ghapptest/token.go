package ghapptest

import (
	"crypto/rand"
	"encoding/hex"
)

// ActionsBot is the committer of commits made with a workflow's token.
const ActionsBot = "github-actions[bot]"

// PlainToken returns a token that acts for installation id without the
// App's JWT, as a workflow run's GITHUB_TOKEN does for its repository.
func (s *Server) PlainToken(id int64) string {
	var b [16]byte
	rand.Read(b[:])
	tok := "ghs_workflow_" + hex.EncodeToString(b[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = id
	if s.plainTokens == nil {
		s.plainTokens = map[string]bool{}
	}
	s.plainTokens[tok] = true
	if _, ok := s.remaining[id]; !ok {
		s.remaining[id] = 5000
	}
	return tok
}
