//go:build unix

package main

import (
	"bytes"
	"cmp"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver the test reads the queue with

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
	"github.com/bumpbot/bumpbot/internal/testtool"
)

const (
	crashApp    = 99
	crashInst   = 7
	crashRepo   = "acme/infra"
	crashSecret = "crash-webhook-secret"
	crashTF     = `resource "aws_lambda_function" "f" {
  function_name = "f"
  layers        = ["arn:aws:lambda:us-east-1:123456789012:layer:mylayer:3"]
}
`
)

// serveProc is one bumpbot serve child process.
type serveProc struct {
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
	mu   *sync.Mutex
}

// crashEnv is what both processes of the crash test share: the binary,
// the fake GitHub, the layer directory and the SQLite file.
type crashEnv struct {
	bin, registry, db string
	gh                *ghapptest.Server
	// registryFlag is serve's --registry when not dir:registry.
	registryFlag string
}

// start runs bumpbot serve with extra settings added to the environment
// and waits until it answers /healthz.
func (e *crashEnv) start(t *testing.T, extra ...string) *serveProc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(e.bin, "serve", "--registry", cmp.Or(e.registryFlag, "dir:"+e.registry))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BUMPBOT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env,
		fmt.Sprint("BUMPBOT_APP_ID=", crashApp), "BUMPBOT_PRIVATE_KEY="+string(e.gh.PrivateKeyPEM),
		"BUMPBOT_WEBHOOK_SECRET="+crashSecret, "BUMPBOT_DB="+e.db, "BUMPBOT_ADDR="+addr,
		"BUMPBOT_GITHUB_URL="+e.gh.URL, "BUMPBOT_POLL_INTERVAL=0")
	cmd.Env = append(cmd.Env, extra...)
	p := &serveProc{cmd: cmd, url: "http://" + addr, logs: &bytes.Buffer{}, mu: &sync.Mutex{}}
	cmd.Stdout, cmd.Stderr = lockedWriter{p.mu, p.logs}, lockedWriter{p.mu, p.logs}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("bumpbot serve (pid %d) logs:\n%s", cmd.Process.Pid, p.output())
		}
	})
	waitUntil(t, 60*time.Second, "bumpbot serve to answer /healthz", func() bool {
		resp, err := http.Get(p.url + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	})
	return p
}

func (p *serveProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// lockedWriter shares one buffer between a process's stdout and stderr.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// deliver posts a signed webhook to p and checks it was queued.
func (p *serveProc) deliver(t *testing.T, event, id string, payload any) {
	t.Helper()
	body, _ := json.Marshal(payload)
	resp, err := http.DefaultClient.Do(ghapptest.NewDelivery(p.url+"/webhooks/github", []byte(crashSecret), event, id, body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("%s webhook %s: %d %s", event, id, resp.StatusCode, b)
	}
}

// waitUntil polls cond every 50 ms until it holds; the deadline only
// bounds a failing test.
func waitUntil(t *testing.T, deadline time.Duration, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s", deadline, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// jobStates counts the reconcile jobs in the SQLite file by state.
func jobStates(t *testing.T, path string) map[string]int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT state, count(*) FROM river_job WHERE kind = 'bumpbot_reconcile_repo' GROUP BY state`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			t.Fatal(err)
		}
		out[state] = n
	}
	return out
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

// buildBumpbot builds this command into a temporary directory.
func buildBumpbot(t *testing.T) string {
	t.Helper()
	gotool := testtool.Need(t, "go")
	bin := filepath.Join(t.TempDir(), "bumpbot")
	if out, err := exec.Command(gotool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
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
	e := &crashEnv{bin: bin, registry: t.TempDir(), db: filepath.Join(t.TempDir(), "bumpbot.db"), gh: ghapptest.New(t, crashApp)}
	reconciletest.Publish(t, e.registry, "us-east-1", "123456789012", "mylayer", 3, 4, 5)
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
	first.deliver(t, "installation", "del-1", map[string]any{
		"action":       "created",
		"installation": map[string]any{"id": crashInst},
		"repositories": []any{map[string]any{"id": 1, "name": "infra", "full_name": crashRepo}},
	})
	select {
	case <-blocked:
	case <-time.After(60 * time.Second):
		t.Fatalf("the reconcile never reached the pull request call; logs:\n%s", first.output())
	}
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.cmd.Wait()
	if got := jobStates(t, e.db); got["running"] != 1 {
		t.Fatalf("after the kill the reconcile jobs are %v, want one left running", got)
	}
	if n := len(e.gh.Pulls(crashRepo)); n != 0 {
		t.Fatalf("%d pull requests before the restart, want 0", n)
	}

	if shared {
		holdClaim(t, e.db)
	}
	restarted := time.Now()
	second := e.start(t, extra...)
	second.deliver(t, "push", "del-2", map[string]any{
		"ref": "refs/heads/main", "after": e.gh.Head(crashRepo, "main"),
		"installation": map[string]any{"id": crashInst},
		"repository":   map[string]any{"id": 1, "name": "infra", "full_name": crashRepo, "default_branch": "main"},
	})
	waitUntil(t, 90*time.Second, "the pull request after the restart", func() bool { return len(e.gh.Pulls(crashRepo)) > 0 })
	settings := cmp.Or(strings.Join(extra, " "), "default settings")
	t.Logf("crash recovery (%s): pull request %.1fs after the restart", settings, time.Since(restarted).Seconds())
	// Nothing left to run: the push that arrived during the dead job was
	// served by its rescue (or a run after it), not dropped.
	waitUntil(t, 90*time.Second, "the reconcile jobs to finish", func() bool {
		got := jobStates(t, e.db)
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
