package main

import (
	"strings"
	"testing"
)

// TestBumpWithoutCredentials: with no AWS credentials anywhere, bump says
// what to configure in one line and exits 1, with nothing else on stderr
// (no SDK warnings) and nothing on stdout.
func TestBumpWithoutCredentials(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_REGION", "us-east-1")

	code, stdout, stderr := runCLI(t, "bump", dir)
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d, stdout %q; want exit 1 and no output", code, stdout)
	}
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "no AWS credentials") || !strings.Contains(lines[0], "AWS_PROFILE") {
		t.Errorf("stderr = %q, want one line saying what to configure", stderr)
	}
}
