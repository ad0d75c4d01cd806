//go:build unix

package main

import (
	"bytes"
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

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/testtool"
)

// The App the serve processes of the process tests run as.
const (
	serveApp    = 99
	serveSecret = "crash-webhook-secret"
)

// serveEnv is what the bumpbot serve processes of a test share: the
// binary, the fake GitHub, and the arguments and settings every process
// gets besides the App's credentials, its address and GitHub's URL.
type serveEnv struct {
	bin  string
	gh   *ghapptest.Server
	args []string // after "serve"
	env  []string // KEY=VALUE
}

// serveProc is one bumpbot serve child process.
type serveProc struct {
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
	mu   *sync.Mutex
	// done is closed when the process has exited.
	done chan struct{}
}

// start runs bumpbot serve with extra settings added to the environment
// and waits until it answers /healthz. The process is killed when the
// test ends, and its logs shown if the test failed.
func (e *serveEnv) start(t *testing.T, extra ...string) *serveProc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(e.bin, append([]string{"serve"}, e.args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BUMPBOT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env,
		fmt.Sprint("BUMPBOT_APP_ID=", serveApp), "BUMPBOT_PRIVATE_KEY="+string(e.gh.PrivateKeyPEM),
		"BUMPBOT_WEBHOOK_SECRET="+serveSecret, "BUMPBOT_ADDR="+addr, "BUMPBOT_GITHUB_URL="+e.gh.URL)
	cmd.Env = append(append(cmd.Env, e.env...), extra...)
	p := &serveProc{cmd: cmd, url: "http://" + addr, logs: &bytes.Buffer{}, mu: &sync.Mutex{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = lockedWriter{p.mu, p.logs}, lockedWriter{p.mu, p.logs}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		cmd.Wait() //nolint:errcheck // alive and the logs tell what happened
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill(t)
		if t.Failed() {
			t.Logf("bumpbot serve (pid %d) logs:\n%s", cmd.Process.Pid, p.output())
		}
	})
	waitUntil(t, 60*time.Second, "bumpbot serve to answer /healthz", func() bool { return p.status(t, "/healthz") == http.StatusOK })
	return p
}

// kill kills the process with SIGKILL, as the kernel's OOM killer or a
// node loss would, and waits for it to be gone.
func (p *serveProc) kill(t *testing.T) {
	t.Helper()
	if p.alive() {
		if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Error(err)
		}
	}
	<-p.done
}

// alive reports whether the process is still running.
func (p *serveProc) alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// status GETs path on the process and returns the status code, 0 when
// nothing answers.
func (p *serveProc) status(t *testing.T, path string) int {
	t.Helper()
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(p.url + path)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
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

// post posts a signed webhook to p and returns the answer's status and
// body.
func (p *serveProc) post(t *testing.T, event, id string, payload any) (int, string) {
	t.Helper()
	body, _ := json.Marshal(payload)
	resp, err := http.DefaultClient.Do(ghapptest.NewDelivery(p.url+"/webhooks/github", []byte(serveSecret), event, id, body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// deliver posts a signed webhook to p and checks it was queued.
func (p *serveProc) deliver(t *testing.T, event, id string, payload any) {
	t.Helper()
	if status, body := p.post(t, event, id, payload); status != http.StatusAccepted {
		t.Fatalf("%s webhook %s: %d %s", event, id, status, body)
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

// repoPayload is a repository as webhook payloads name it.
func repoPayload(fullName string) map[string]any {
	_, name, _ := strings.Cut(fullName, "/")
	return map[string]any{"id": len(fullName), "name": name, "full_name": fullName, "default_branch": "main"}
}

// installationPayload is the payload of an installation event ("created")
// or an installation_repositories event ("added") naming repos.
func installationPayload(action string, inst int64, repos ...string) map[string]any {
	list := make([]any, len(repos))
	for i, r := range repos {
		list[i] = repoPayload(r)
	}
	key := "repositories"
	if action == "added" {
		key = "repositories_added"
	}
	return map[string]any{"action": action, "installation": map[string]any{"id": inst}, key: list}
}

// pushPayload is the payload of a push to repo's main branch, now at
// its head on the fake GitHub, listing no commits (so it always asks
// for a reconcile).
func pushPayload(gh *ghapptest.Server, inst int64, repo string) map[string]any {
	return map[string]any{"ref": "refs/heads/main", "after": gh.Head(repo, "main"),
		"installation": map[string]any{"id": inst}, "repository": repoPayload(repo)}
}

// countJobStates counts the reconcile jobs of a queue's database (SQLite
// or PostgreSQL) by state.
func countJobStates(t *testing.T, db *sql.DB) map[string]int {
	t.Helper()
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
