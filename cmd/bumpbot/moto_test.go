package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
)

// TestBumpAgainstMoto runs `bumpbot bump` the way a user points it at a
// Lambda emulator, through the environment only (AWS_ENDPOINT_URL_LAMBDA,
// static keys), against moto_server, an implementation of the Lambda API
// written by others: the pin moves to moto's newest version.
func TestBumpAgainstMoto(t *testing.T) {
	endpoint := layerstest.StartMoto(t)
	awsEnv(t, endpoint, "AKIDMOTO")
	dir := t.TempDir()
	layerARN, published := layerstest.MotoPublish(t, endpoint, "deps", 3)
	newest := layerstest.Newest(published)
	repo := filepath.Join(dir, "repo")
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	tf := "resource \"aws_lambda_function\" \"f\" {\n  runtime = \"python3.12\"\n  layers  = [\"" + layerARN + ":1\"]\n}\n"
	if err := os.WriteFile(filepath.Join(repo, "main.tf"), []byte(tf), 0o644); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := runCLI(t, "bump", "--json", repo)
	var out struct {
		Changes []struct {
			From, To int
			ARNTo    string `json:"arn_to"`
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("exit %d, not JSON: %v\n%s\nstderr: %s", code, err, stdout, stderr)
	}
	if len(out.Changes) != 1 || out.Changes[0].From != 1 || out.Changes[0].To != newest || out.Changes[0].ARNTo != fmt.Sprintf("%s:%d", layerARN, newest) {
		t.Fatalf("changes = %+v, want %s:1 -> %d (exit %d, stderr %s)", out.Changes, layerARN, newest, code, stderr)
	}
	if code, _, stderr := runCLI(t, "bump", "--write", repo); code != 0 {
		t.Fatalf("--write: exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(filepath.Join(repo, "main.tf"))
	if want := strings.Replace(tf, ":1\"]", fmt.Sprintf(":%d\"]", newest), 1); string(got) != want {
		t.Errorf("main.tf after --write:\n%s\nwant:\n%s", got, want)
	}
}

// awsEnv points the AWS SDK of this process, and of the processes it
// starts, at a Lambda endpoint signing as accessKey, away from the
// machine's AWS files, with a cache directory of the test's own.
func awsEnv(t *testing.T, endpoint, accessKey string) {
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_LAMBDA": endpoint, "AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"XDG_CACHE_HOME": filepath.Join(dir, "cache"),
	} {
		t.Setenv(k, v)
	}
}
