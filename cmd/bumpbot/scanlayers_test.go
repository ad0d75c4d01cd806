package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// scan --layers reads each function's layers and reports, per function,
// what they unzip to and which files one hides of another; a stack over
// 250 MB is an error.
func TestScanLayers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	reg := filepath.Join(dir, "reg", "aws", "us-east-1", "111111111111")
	put := func(layer, version string, entries ...layerziptest.Entry) {
		if err := os.MkdirAll(filepath.Join(reg, layer), 0o755); err != nil {
			t.Fatal(err)
		}
		z := layerziptest.BuildZip(t, entries, layerziptest.Shape{})
		if err := os.WriteFile(filepath.Join(reg, layer, version+".zip"), z, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("tools", "1", layerziptest.Entry{Name: "bin/jq", Data: []byte("old jq")}, layerziptest.Entry{Name: "lib/libonig.so.5", Zeros: 200 << 20})
	put("jq", "4", layerziptest.Entry{Name: "bin/jq", Data: []byte("new jq")}, layerziptest.Entry{Name: "share/jq.1", Zeros: 60 << 20})
	tf := "resource \"aws_lambda_function\" \"f\" {\n  layers = [\"arn:aws:lambda:us-east-1:111111111111:layer:tools:1\", \"arn:aws:lambda:us-east-1:111111111111:layer:jq:4\"]\n}\n"
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "src", "main.tf"), []byte(tf), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "scan", "--json", "--layers", "--no-cache", "--registry=dir:"+filepath.Join(dir, "reg"), filepath.Join(dir, "src"))
	if code != 1 {
		t.Errorf("exit %d, want 1 (a stack over the limit); stderr %q", code, stderr)
	}
	var got struct {
		Functions []struct {
			Function     string
			UnzippedSize *int64 `json:"unzipped_size"`
			Shadowed     []struct {
				Path, Layer, Over string
				Files             int
			}
		}
		Errors []struct{ Kind, Message string }
		Notes  []struct{ Kind, Message string }
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Functions) != 1 || got.Functions[0].UnzippedSize == nil || *got.Functions[0].UnzippedSize != 260<<20+12 {
		t.Fatalf("functions %+v", got.Functions)
	}
	if sh := got.Functions[0].Shadowed; len(sh) != 1 || sh[0].Path != "bin/jq" || sh[0].Layer != "jq:4" || sh[0].Over != "tools:1" || sh[0].Files != 1 {
		t.Errorf("shadowed %+v", sh)
	}
	if len(got.Errors) != 1 || got.Errors[0].Kind != "stack-size" || !strings.Contains(got.Errors[0].Message, "260.0 MB (272,629,772 bytes), over the 250.0 MB") {
		t.Errorf("errors %+v", got.Errors)
	}
	if len(got.Notes) != 1 || got.Notes[0].Kind != "shadowed" {
		t.Errorf("notes %+v", got.Notes)
	}
}

// scan notes a pin on :latest, which AWS refuses, and still lists it.
func TestScanLatest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := "layers:\n  - arn:aws:lambda:us-east-1:123456789012:layer:foo:latest\n"
	if err := os.WriteFile(filepath.Join(dir, "pins.txt"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "scan", dir)
	if code != 0 || !strings.Contains(stdout, "layer:foo:latest") || !strings.Contains(stderr, `pins.txt:2:5: arn:aws:lambda:us-east-1:123456789012:layer:foo:latest: version "latest" is not a number`) {
		t.Errorf("exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
}
