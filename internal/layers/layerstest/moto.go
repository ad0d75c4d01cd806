package layerstest

import (
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"testing"
	"time"
)

// StartMoto runs moto_server (an AWS emulator written by others, a second
// opinion on the Lambda wire code) on a free loopback port until the test
// ends, and returns its endpoint; ok is false when moto_server is not on
// PATH.
func StartMoto(t testing.TB) (endpoint string, ok bool) {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return "", false
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	endpoint = fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(endpoint + "/moto-api/"); err == nil {
			resp.Body.Close()
			return endpoint, true
		}
	}
	t.Fatal("moto_server did not start")
	return "", false
}
