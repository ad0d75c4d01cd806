// Command flood measures `bumpbot serve` under a flood of unsigned or
// forged 25 MiB webhook bodies, from outside, as a user would: it starts
// the given binary on 127.0.0.1 with a throwaway configuration, fires the
// flood and, during it, small signed deliveries, samples the server's
// memory from /proc/PID/status, and prints the peak RSS, the answers by
// status code and the RSS after the flood. scripts/flood.sh builds and
// runs it.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const secret = "flood-test-secret"

func main() {
	bin := flag.String("bin", "", "bumpbot binary to measure")
	n := flag.Int("n", 100, "parallel flood requests")
	size := flag.Int("size", 25<<20, "body size of each flood request")
	mode := flag.String("mode", "forged", "unsigned (no signature header) or forged (well-formed, wrong signature)")
	upload := flag.Duration("upload", 0, "spread each flood body's upload over this long (0: as fast as loopback takes it)")
	after := flag.Duration("after", 10*time.Second, "how long after the flood to read the RSS again")
	check := flag.Bool("check", false, "exit 1 unless the goals hold: every flood request answered 401 or 503, every signed delivery 202, peak RSS under 300 MB, RSS under 100 MB within -after")
	flag.Parse()
	if *bin == "" || (*mode != "unsigned" && *mode != "forged") {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*bin, *n, *size, *mode, *upload, *after, *check); err != nil {
		fmt.Fprintln(os.Stderr, "flood:", err)
		os.Exit(1)
	}
}

func run(bin string, n, size int, mode string, upload, after time.Duration, check bool) error {
	work, err := os.MkdirTemp("", "bumpbot-flood-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	srv, err := startServer(bin, work)
	if err != nil {
		return err
	}
	defer srv.stop()

	sampler := newSampler(srv.pid())
	defer sampler.stop()
	baseline := sampler.rss()

	floodCtx, floodDone := context.WithCancel(context.Background())
	var signed tally
	var wg sync.WaitGroup
	wg.Go(func() { sendSigned(floodCtx, srv.addr, &signed) })
	flood := tally{}
	start := time.Now()
	var fw sync.WaitGroup
	for i := range n {
		fw.Go(func() { flood.add(floodOne(srv.addr, i, size, mode, upload)) })
	}
	fw.Wait()
	floodTook := time.Since(start)
	floodDone()
	wg.Wait()
	peak := sampler.peak()
	end := time.Now()
	backUnder := time.Duration(-1)
	for time.Since(end) < after {
		if backUnder < 0 && sampler.rss() < 100<<20 {
			backUnder = time.Since(end)
		}
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Printf("binary:            %s\n", bin)
	fmt.Printf("flood:             %d parallel %s POSTs of %d MiB, upload %s, answered in %.1f s\n", n, mode, size>>20, uploadText(upload), floodTook.Seconds())
	fmt.Printf("RSS before:        %d MB\n", baseline>>20)
	fmt.Printf("peak RSS (VmHWM):  %d MB (sampled VmRSS peak %d MB)\n", sampler.hwm()>>20, peak>>20)
	fmt.Printf("flood answers:     %s\n", &flood)
	fmt.Printf("signed during it:  %s\n", &signed)
	fmt.Printf("RSS %s after:     %d MB", after, sampler.rss()>>20)
	if backUnder >= 0 {
		fmt.Printf(" (under 100 MB %.1f s after the flood)\n", backUnder.Seconds())
	} else {
		fmt.Printf(" (not under 100 MB within %s)\n", after)
	}
	if !check {
		return nil
	}
	var failed []string
	if only := flood.except("401", "503"); only != "" {
		failed = append(failed, "flood requests answered otherwise than 401 or 503: "+only)
	}
	if only := signed.except("202"); only != "" {
		failed = append(failed, "signed deliveries not accepted: "+only)
	}
	if hwm := sampler.hwm(); hwm >= 300<<20 {
		failed = append(failed, fmt.Sprintf("peak RSS %d MB, goal under 300 MB", hwm>>20))
	}
	if backUnder < 0 {
		failed = append(failed, fmt.Sprintf("RSS not back under 100 MB within %s", after))
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "; "))
	}
	fmt.Println("goals:             met")
	return nil
}

func uploadText(d time.Duration) string {
	if d == 0 {
		return "at full speed"
	}
	return "spread over " + d.String()
}

// server is the bumpbot serve process under test.
type server struct {
	cmd  *exec.Cmd
	addr string
}

func (s *server) pid() int { return s.cmd.Process.Pid }

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt) //nolint:errcheck // already gone is fine
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }() //nolint:errcheck // its exit status is not measured
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill() //nolint:errcheck // best effort
	}
}

// startServer runs bin serve with a fake app id, a fresh private key and
// a GitHub URL that refuses connections: nothing leaves this machine.
func startServer(bin, work string) (*server, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	keyFile := filepath.Join(work, "key.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(keyFile, pemBytes, 0o600); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	registry := filepath.Join(work, "registry")
	if err := os.Mkdir(registry, 0o755); err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(work, "serve.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--registry", "dir:"+registry)
	cmd.Env = append(os.Environ(),
		"BUMPBOT_APP_ID=1", "BUMPBOT_PRIVATE_KEY_FILE="+keyFile, "BUMPBOT_WEBHOOK_SECRET="+secret,
		"BUMPBOT_ADDR="+addr, "BUMPBOT_DB="+filepath.Join(work, "bumpbot.db"),
		"BUMPBOT_POLL_INTERVAL=0", "BUMPBOT_GITHUB_URL=http://127.0.0.1:9/",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, addr: addr}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
	}
	s.stop()
	log, _ := os.ReadFile(logFile.Name())
	return nil, fmt.Errorf("server not ready within 30 s; its log:\n%s", log)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// floodOne sends one large body over a raw connection, writing the body
// while it reads the answer: a server may answer before reading the
// body, and a client that only reads after writing everything would see
// a reset instead. It returns the status code, or "no answer: ...".
func floodOne(addr string, i, size int, mode string, upload time.Duration) string {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return "no answer: dial"
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(120 * time.Second)) //nolint:errcheck // a fresh connection
	sig := ""
	if mode == "forged" {
		sig = "X-Hub-Signature-256: sha256=" + strings.Repeat("0f", 32) + "\r\n"
	}
	head := fmt.Sprintf("POST /webhooks/github HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"+
		"X-GitHub-Event: push\r\nX-GitHub-Delivery: flood-%d\r\nUser-Agent: flood\r\n%s\r\n", addr, size, i, sig)
	if _, err := io.WriteString(conn, head); err != nil {
		return "no answer: write headers"
	}
	go writeBody(conn, size, upload)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return "no answer: " + shortErr(err)
	}
	resp.Body.Close()
	return strconv.Itoa(resp.StatusCode)
}

// writeBody writes size bytes of JSON-ish filler, spread over upload.
// Write errors end it: the server answered and closed.
func writeBody(conn net.Conn, size int, upload time.Duration) {
	buf := bytes.Repeat([]byte("x"), 256<<10)
	steps := (size + len(buf) - 1) / len(buf)
	pause := upload / time.Duration(steps)
	for left := size; left > 0; left -= len(buf) {
		if _, err := conn.Write(buf[:min(left, len(buf))]); err != nil {
			return
		}
		time.Sleep(pause)
	}
}

func shortErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

// sendSigned posts small signed push deliveries, one after the other,
// until ctx ends (and at least 5).
func sendSigned(ctx context.Context, addr string, t *tally) {
	client := &http.Client{Timeout: 30 * time.Second}
	body := []byte(`{"ref":"refs/heads/main","size":1,"installation":{"id":7},` +
		`"repository":{"full_name":"acme/infra","default_branch":"main"},"commits":[{"modified":["main.tf"]}]}`)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	sig := "sha256=" + hex.EncodeToString(m.Sum(nil))
	for i := 0; i < 5 || ctx.Err() == nil; i++ {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/webhooks/github", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", "push")
		req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("signed-%d", i))
		req.Header.Set("X-Hub-Signature-256", sig)
		resp, err := client.Do(req)
		if err != nil {
			t.add("no answer: " + shortErr(err))
			continue
		}
		io.Copy(io.Discard, resp.Body) //nolint:errcheck // only the status counts
		resp.Body.Close()
		t.add(strconv.Itoa(resp.StatusCode))
		time.Sleep(50 * time.Millisecond)
	}
}

// tally counts answers by status.
type tally struct {
	mu sync.Mutex
	n  map[string]int
}

func (t *tally) add(k string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == nil {
		t.n = map[string]int{}
	}
	t.n[k]++
}

// except lists the answers other than the given ones, "" when none.
func (t *tally) except(ok ...string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var bad []string
	for k, n := range t.n {
		if !slices.Contains(ok, k) {
			bad = append(bad, fmt.Sprintf("%s×%d", k, n))
		}
	}
	sort.Strings(bad)
	return strings.Join(bad, "  ")
}

func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var keys []string
	for k := range t.n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s×%d", k, t.n[k]))
	}
	return strings.Join(parts, "  ")
}

// sampler reads VmRSS every 20 ms and keeps the largest seen.
type sampler struct {
	pid  int
	max  atomic.Int64
	quit chan struct{}
}

func newSampler(pid int) *sampler {
	s := &sampler{pid: pid, quit: make(chan struct{})}
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.quit:
				return
			case <-t.C:
				if v := s.rss(); v > s.max.Load() {
					s.max.Store(v)
				}
			}
		}
	}()
	return s
}

func (s *sampler) stop()       { close(s.quit) }
func (s *sampler) peak() int64 { return s.max.Load() }
func (s *sampler) rss() int64  { return s.status("VmRSS:") }
func (s *sampler) hwm() int64  { return s.status("VmHWM:") }

// status returns a /proc/PID/status field in bytes (0 if unreadable).
func (s *sampler) status(field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
