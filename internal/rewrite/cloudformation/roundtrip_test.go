package cloudformation

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref/reftest"
)

// checkBumps bumps each version literal of src in turn and rescans (see
// reftest.BumpEachAndRescan); it returns how many literals it bumped.
func checkBumps(t testing.TB, name string, src []byte) int {
	t.Helper()
	format, _ := Detect(src)
	files := []ref.File{{Path: name, Src: src}}
	if _, warns := scanAs(format)(files); len(warns) != 0 {
		t.Fatalf("%s: warnings: %v", name, warns)
	}
	return reftest.BumpEachAndRescan(t, scanAs(format), files, reftest.Options{})
}

func TestBumpRoundtrip(t *testing.T) {
	t.Parallel()
	variants := []struct {
		name string
		edit func([]byte) []byte
	}{
		{"lf", func(b []byte) []byte { return b }},
		{"crlf", func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) }},
		{"bom", func(b []byte) []byte { return append([]byte("\xEF\xBB\xBF"), b...) }},
		{"bom crlf", func(b []byte) []byte {
			return append([]byte("\xEF\xBB\xBF"), bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))...)
		}},
	}
	for _, f := range templates(t) {
		for _, v := range variants {
			t.Run(f.Path+"/"+v.name, func(t *testing.T) {
				t.Parallel()
				if checkBumps(t, f.Path, v.edit(f.Src)) == 0 {
					t.Fatal("no editable version in the template")
				}
			})
		}
	}
}

// TestBumpNineToTen covers an edit that changes the literal's length,
// which shifts every later position.
func TestBumpNineToTen(t *testing.T) {
	t.Parallel()
	src := "Parameters:\n  V: {Type: Number, Default: 9}\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Layers:\n        - !Sub arn:aws:lambda:${AWS::Region}:464622532012:layer:Datadog-Extension:${V}\n        - !Sub arn:aws:lambda:${AWS::Region}:464622532012:layer:Datadog-Python312:${V}\n        - " + strings.Replace(ddPython, ":98", ":99", 1) + "\n"
	checkBumps(t, "template.yaml", []byte(src))
}
