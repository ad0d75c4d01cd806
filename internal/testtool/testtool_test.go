package testtool_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/testtool"
)

// recorder stands in for the test a Need call gets, recording whether it
// skipped or failed; both end the calling goroutine, as testing's do.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// need calls testtool.Need on a recorder in a goroutine of its own, so
// the recorder's Goexit ends only that goroutine.
func need(t *testing.T, tool string) (path string, r *recorder) {
	r = &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		path = testtool.Need(r, tool)
	}()
	<-done
	return path, r
}

func TestNeed(t *testing.T) {
	dir := t.TempDir()
	tool := filepath.Join(dir, "bumpbot-fake-tool")
	if err := os.WriteFile(tool, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	tests := []struct {
		name, tool, require   string
		wantPath              string
		wantSkip, wantFailure bool
		wantHint              string // how to install it, in the message
	}{
		{name: "found", tool: "bumpbot-fake-tool", wantPath: tool},
		{name: "found, tools required", tool: "bumpbot-fake-tool", require: "1", wantPath: tool},
		{name: "missing", tool: "bumpbot-no-such-tool", wantSkip: true},
		{name: "missing, not required", tool: "bumpbot-no-such-tool", require: "0", wantSkip: true},
		{name: "missing, tools required", tool: "bumpbot-no-such-tool", require: "1", wantFailure: true},
		{name: "missing browser, tools required", tool: "chromium", require: "1", wantFailure: true, wantHint: "apt-get install -y chromium"},
	}
	for _, tc := range tests {
		t.Setenv(testtool.RequireEnv, tc.require)
		path, r := need(t, tc.tool)
		if path != tc.wantPath || (r.skipped != "") != tc.wantSkip || (r.failed != "") != tc.wantFailure {
			t.Errorf("%s: path %q, skipped %q, failed %q; want path %q, skip %v, failure %v",
				tc.name, path, r.skipped, r.failed, tc.wantPath, tc.wantSkip, tc.wantFailure)
		}
		if msg := r.skipped + r.failed; msg != "" && !strings.Contains(msg, tc.tool) {
			t.Errorf("%s: message %q does not name the tool", tc.name, msg)
		}
		if msg := r.skipped + r.failed; !strings.Contains(msg, tc.wantHint) {
			t.Errorf("%s: message %q does not say %q", tc.name, msg, tc.wantHint)
		}
	}
}
