package server_test

import (
	"strings"
	"testing"
	"time"
)

// A push names the default branch: the first reconcile of a repository
// the server has never seen reads that branch at once, without asking for
// the repository.
func TestPushNamesDefaultBranch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := e.start(t, 5*time.Second)
	if status, _ := deliver(t, srv.url, "push", "del-1", pushMainTF(e.gh)); status != 202 {
		t.Fatalf("push webhook: %d", status)
	}
	waitFor(t, "the reconcile", func() bool { return strings.Contains(e.logs.String(), `"msg":"reconciled"`) })
	if n := len(e.gh.Pulls(repoN)); n != 1 {
		t.Fatalf("%d pull requests, want 1", n)
	}
	c := e.gh.Counts()
	if n := c.ByRoute["GET /repos/{owner}/{repo}"]; n != 0 {
		t.Errorf("the repository was read %d times; the push named its default branch", n)
	}
	// Token, the installation's account (both once per installation), the
	// org's defaults and security policy (once per org every 10 minutes),
	// branch, tree, blob, pull requests; tree, commit, ref, pull request,
	// labels.
	if c.Total != 13 || c.Writes != 5 {
		t.Errorf("first PR of a cold repository from a push: %d requests (%d writes), want 13 (5): %v", c.Total, c.Writes, c.ByRoute)
	}
}
