//go:build unix

package main

import (
	"bytes"
	"cmp"
	"database/sql"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver the test reads the queue with

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
)

const (
	crashInst = 7
	crashRepo = "acme/infra"
	crashTF   = `resource "aws_lambda_function" "f" {
  function_name = "f"
  layers        = ["arn:aws:lambda:us-east-1:123456789012:layer:mylayer:3"]
}
`
)

// jobStates counts the reconcile jobs in the SQLite file by state.
func jobStates(t *testing.T, path string) map[string]int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return countJobStates(t, db)
}

// holdClaim takes the claim a serve takes on its SQLite file (an flock
// on the .lock file beside it) until the test ends, as another process
// using the file would.
func holdClaim(t *testing.T, db string) {
	t.Helper()
	f, err := os.OpenFile(db+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
}

// A process killed (SIGKILL) while it reconciles a repository leaves the
// job "running" in the database, and every later event for the
// repository coalesces into it. After a restart the job runs again and
// the pull request appears, once: at once when the new process owns the
// SQLite file (the default settings), and after the rescue delay when
// it cannot tell whether the job's process is alive (another process
// holds the file; here the test does) — short settings keep that short.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bumpbot binary")
	}
	bin := buildBumpbot(t)
	t.Run("owner requeues", func(t *testing.T) { crashAndRecover(t, bin, false) })
	t.Run("rescue after timeout", func(t *testing.T) {
		crashAndRecover(t, bin, true, "BUMPBOT_JOB_TIMEOUT=10s", "BUMPBOT_RESCUE_AFTER=12s")
	})
}

// crashAndRecover kills a serve mid-reconcile and restarts it with extra
// settings; shared: the test holds the queue file's claim meanwhile.
func crashAndRecover(t *testing.T, bin string, shared bool, extra ...string) {
	registry, db := t.TempDir(), filepath.Join(t.TempDir(), "bumpbot.db")
	e := &serveEnv{bin: bin, gh: ghapptest.New(t, serveApp), args: []string{"--registry", "dir:" + registry},
		env: []string{"BUMPBOT_DB=" + db, "BUMPBOT_POLL_INTERVAL=0"}}
	reconciletest.Publish(t, registry, "us-east-1", "123456789012", "mylayer", 3, 4, 5)
	e.gh.CreateRepo(t, crashRepo, "main", map[string]string{"main.tf": crashTF})
	e.gh.AddInstallation(crashInst, crashRepo)

	// The first process's pull request call hangs until the process is
	// killed: the reconcile dies between its commit and its PR.
	blocked := make(chan struct{})
	var once sync.Once
	e.gh.Intercept(func(route string, r *http.Request) bool {
		first := false
		if route == "POST /repos/{owner}/{repo}/pulls" {
			once.Do(func() { first = true })
		}
		if !first {
			return false
		}
		io.Copy(io.Discard, r.Body) // lets net/http notice the client going away
		close(blocked)
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Minute):
		}
		return true
	})

	first := e.start(t) // the default job timeout and rescue delay
	first.deliver(t, "installation", "del-1", installationPayload("created", crashInst, crashRepo))
	select {
	case <-blocked:
	case <-time.After(60 * time.Second):
		t.Fatalf("the reconcile never reached the pull request call; logs:\n%s", first.output())
	}
	first.kill(t)
	if got := jobStates(t, db); got["running"] != 1 {
		t.Fatalf("after the kill the reconcile jobs are %v, want one left running", got)
	}
	if n := len(e.gh.Pulls(crashRepo)); n != 0 {
		t.Fatalf("%d pull requests before the restart, want 0", n)
	}

	if shared {
		holdClaim(t, db)
	}
	restarted := time.Now()
	second := e.start(t, extra...)
	second.deliver(t, "push", "del-2", pushPayload(e.gh, crashInst, crashRepo))
	waitUntil(t, 90*time.Second, "the pull request after the restart", func() bool { return len(e.gh.Pulls(crashRepo)) > 0 })
	settings := cmp.Or(strings.Join(extra, " "), "default settings")
	t.Logf("crash recovery (%s): pull request %.1fs after the restart", settings, time.Since(restarted).Seconds())
	// Nothing left to run: the push that arrived during the dead job was
	// served by its rescue (or a run after it), not dropped.
	waitUntil(t, 90*time.Second, "the reconcile jobs to finish", func() bool {
		got := jobStates(t, db)
		return got["completed"] >= 1 && got["completed"] == got["running"]+got["completed"]+got["available"]+got["scheduled"]+got["retryable"]
	})
	if pulls := e.gh.Pulls(crashRepo); len(pulls) != 1 || pulls[0].Title != "Bump mylayer layer from 3 to 5" {
		t.Errorf("pull requests = %+v, want one bumping mylayer to 5", pulls)
	}
	if got, _ := e.gh.File(crashRepo, "bumpbot/mylayer", "main.tf"); !bytes.Contains(got, []byte("mylayer:5")) {
		t.Errorf("bot branch holds %s", got)
	}
	if !strings.Contains(second.output(), `"msg":"reconcile done"`) {
		t.Errorf("the restarted process logged no finished reconcile:\n%s", second.output())
	}
}
