package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestServeRefusesToStartWithoutSecret(t *testing.T) {
	for _, k := range []string{"BUMPBOT_WEBHOOK_SECRET", "BUMPBOT_APP_ID", "BUMPBOT_PRIVATE_KEY", "BUMPBOT_PRIVATE_KEY_FILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("BUMPBOT_APP_ID", "1")
	t.Setenv("BUMPBOT_PRIVATE_KEY", "not-a-real-key")
	var out, errb bytes.Buffer
	code := run([]string{"serve", "--registry", "dir:" + t.TempDir()}, &out, &errb)
	if code != exitUsage || !strings.Contains(errb.String(), "BUMPBOT_WEBHOOK_SECRET is required") {
		t.Errorf("exit %d, stderr %q; want exit %d naming the secret", code, errb.String(), exitUsage)
	}
	if strings.Contains(errb.String(), "not-a-real-key") {
		t.Error("the private key was printed")
	}
}
