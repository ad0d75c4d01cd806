package server_test

import (
	"strings"
	"testing"
	"time"
)

// security-pr.automerge: the security pull request gets GitHub's
// auto-merge (GraphQL) where the repository allows it; where it does
// not, the pull request is opened all the same and the refusal logged.
func TestSecurityAutoMerge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.gh.CreateRepo(t, "acme/.github", "main", map[string]string{"bumpbot-policy.yml": "version: 1\nrules:\n  - {layer: mylayer, minimum: 4}\nsecurity-pr: {automerge: true}\n"})
	e.gh.CreateRepo(t, "acme/api", "main", map[string]string{"main.tf": mainTF})
	e.gh.AllowAutoMerge(repoN)
	const id = inst + 11
	e.gh.AddInstallation(id, "acme/.github", repoN, "acme/api")
	srv := e.start(t, 5*time.Second)
	install(t, srv.url, "del-automerge", id, repoN, "acme/api")
	waitFor(t, "auto-merge on "+repoN, func() bool { ps := e.gh.Pulls(repoN); return len(ps) == 1 && ps[0].AutoMerge })
	waitFor(t, "the refusal logged", func() bool {
		return strings.Contains(e.logs.String(), `"msg":"auto-merge not enabled"`) &&
			strings.Contains(e.logs.String(), "Pull request Auto merge is not allowed for this repository")
	})
	if ps := e.gh.Pulls("acme/api"); len(ps) != 1 || ps[0].AutoMerge {
		t.Errorf("acme/api: %+v, want its pull request without auto-merge", ps)
	}
}
