package layerzip

import (
	"context"
	"errors"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
)

// presignedQuery is the query a presigned S3 URL carries: a credential.
const presignedQuery = "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=0123456789abcdef"

// resetServer accepts connections and resets them at once (RST, not FIN).
func resetServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
	}()
	return "http://" + ln.Addr().String()
}

// TestNetworkErrorsRedactURL: when the content cannot be fetched at the
// network level, the error (which reaches the CLI and the PR body) names
// the URL without its query.
func TestNetworkErrorsRedactURL(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(nil)
	closed.Close()
	tests := []struct {
		name, location string
	}{
		{"connection refused", closed.URL + "/layer.zip" + presignedQuery},
		{"connection reset", resetServer(t) + "/layer.zip" + presignedQuery},
		{"unparsable URL", "https://bucket.example/layer.zip" + presignedQuery + "%zz\x7f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := Read(context.Background(), tt.location, Options{})
			if err == nil {
				t.Fatal("Read succeeded, want a network error")
			}
			msg := err.Error()
			for _, secret := range []string{"X-Amz-Signature", "X-Amz-Credential", "0123456789abcdef", "AKIAEXAMPLE"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error leaks %s: %s", secret, msg)
				}
			}
			if !strings.Contains(msg, "layer.zip") {
				t.Errorf("error %q does not say which URL failed", msg)
			}
		})
	}
}

// TestRedactedErrorKeepsCause: redaction keeps the chain a caller
// branches on (a cancelled job is not a broken layer).
func TestRedactedErrorKeepsCause(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := Read(ctx, resetServer(t)+"/layer.zip"+presignedQuery, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want one wrapping context.Canceled", err)
	}
	if strings.Contains(err.Error(), "X-Amz-Signature") {
		t.Errorf("error leaks the query: %v", err)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://b.s3.amazonaws.com/x/layer.zip" + presignedQuery, "https://b.s3.amazonaws.com/x/layer.zip?REDACTED"},
		{"https://user:pw@host/p#frag", "https://host/p?REDACTED"},
		{"https://host/p", "https://host/p"},
		{"file:///srv/layers/layer.zip", "file:///srv/layers/layer.zip"},
		{"https://host/p?a=%zz\x7f", "https://host/p?REDACTED"},
	}
	for _, tt := range tests {
		if got := redact(tt.in); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	text := `request send failed, Get "https://host/layer.zip` + presignedQuery + `": EOF; see https://example.com/doc, GET https://h/x?a=b: reset`
	want := `request send failed, Get "https://host/layer.zip?REDACTED": EOF; see https://example.com/doc, GET https://h/x?REDACTED: reset`
	if got := RedactURLs(text); got != want {
		t.Errorf("RedactURLs:\n got %s\nwant %s", got, want)
	}
}
