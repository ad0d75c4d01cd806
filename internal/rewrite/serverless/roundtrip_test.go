package serverless

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref/reftest"
)

// services reads the service files under testdata.
func services(t testing.TB) []ref.File {
	t.Helper()
	return reftest.ReadFiles(t, filepath.Join("testdata", "*.yml"))
}

func TestEditRoundtrip(t *testing.T) {
	t.Parallel()
	for _, fixture := range services(t) {
		for _, eol := range []string{"lf", "crlf"} {
			t.Run(fixture.Path+"/"+eol, func(t *testing.T) {
				t.Parallel()
				src := fixture.Src
				if eol == "crlf" {
					src = bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))
				}
				refs, warns := Scan(ref.File{Path: "serverless.yml", Src: src})
				if len(warns) > 0 {
					t.Fatalf("warnings: %v", warns)
				}
				if len(refs) == 0 {
					t.Fatal("fixture holds no references")
				}
				files := []ref.File{{Path: "serverless.yml", Src: src}}
				if n := reftest.BumpEachAndRescan(t, reftest.EachFile(Scan), files, reftest.Options{}); n == 0 {
					t.Fatal("no reference could be edited")
				}
			})
		}
	}
}

func TestUnparsed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		line int
	}{
		{name: "mapping value inside a plain scalar", src: "provider:\n  runtime: python3.12\n  layers: arn:aws:lambda:us-east-1:123456789012:layer:x:1: y\n", line: 3},
		{name: "tab indentation", src: "functions:\n\tapi:\n    layers: [arn:aws:lambda:us-east-1:123456789012:layer:x:1]\n", line: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			refs, warns := Scan(ref.File{Path: "serverless.yml", Src: []byte(tc.src)})
			if len(refs) != 0 || len(warns) != 1 || warns[0].Kind != problem.Parse || warns[0].Line != tc.line || warns[0].File != "serverless.yml" {
				t.Fatalf("got refs %v warnings %+v, want one unparsed warning at line %d", refs, warns, tc.line)
			}
		})
	}
}

func FuzzScan(f *testing.F) {
	for _, fixture := range services(f) {
		f.Add(fixture.Src)
	}
	f.Add([]byte("a: ${self:a}\nb: arn:aws:lambda:us-east-1:123456789012:layer:x:${self:b}\n"))
	f.Add([]byte("l: &x 'arn:aws:lambda:us-east-1:123456789012:layer:x:1'\nm: [*x, *x]\nn: \"arn:aws:lambda:us-east-1:123456789012:layer:x:\\x31\"\n"))
	f.Add([]byte("l: \"\\t\\\"arn:aws:lambda:us-east-1:123456789012:layer:x\\u002dy:1\"\nm: \"a\\\n  arn:aws:lambda:us-east-1:123456789012:layer:x:2\"\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		reftest.BumpEachAndRescan(t, reftest.EachFile(Scan), []ref.File{{Path: "serverless.yml", Src: src}}, reftest.Options{})
	})
}

// TestVariableFanOutIsBounded feeds a file where each custom value names
// the next one ten times: resolving it naively costs 10^depth lookups.
func TestVariableFanOutIsBounded(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("custom:\n")
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, "  v%d: '%s'\n", i, strings.Repeat(fmt.Sprintf("${self:custom.v%d}", i+1), 10))
	}
	b.WriteString("  v12: '7'\nfunctions:\n  f:\n    layers:\n      - arn:aws:lambda:us-east-1:123456789012:layer:x:${self:custom.v0}\n")
	done := make(chan []ref.Reference, 1)
	go func() {
		refs, _ := Scan(ref.File{Path: "serverless.yml", Src: []byte(b.String())})
		done <- refs
	}()
	select {
	case refs := <-done:
		if len(refs) != 1 || refs[0].Layer != "x" {
			t.Fatalf("got %d references, want the one on layer x", len(refs))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("resolving nested variables did not finish in 10s")
	}
}
