package cloudformation

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// largeTemplate builds a SAM template of about 300 lines: parameters,
// mappings, globals and functions with several layers each, mixing
// literal ARNs, Subs and FindInMaps.
func largeTemplate() []byte {
	var b strings.Builder
	b.WriteString(`AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: benchmark template
Parameters:
  PowertoolsVersion: {Type: Number, Default: 46}
  Stage: {Type: String, Default: dev}
Mappings:
  Insights:
    us-east-1: {Arn: "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:49"}
    eu-west-1: {Arn: "arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:49"}
Globals:
  Function:
    Runtime: python3.12
    Architectures: [arm64]
    Layers:
      - !Sub arn:aws:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPythonV2:${PowertoolsVersion}
Resources:
`)
	for i := range 20 {
		fmt.Fprintf(&b, `  Function%d:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub fn-%d-${Stage}
      Handler: app.handler
      CodeUri: src/fn%d
      MemorySize: 512
      Environment:
        Variables:
          STAGE: !Ref Stage
      Layers:
        - %s
        - "%s"
        - !FindInMap [Insights, !Ref AWS::Region, Arn]
`, i, i, i, ddPython, ddExt)
	}
	return []byte(b.String())
}

func BenchmarkScan(b *testing.B) {
	src := largeTemplate()
	f := ref.File{Path: "template.yaml", Src: src}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		refs, warns := Scan(f, ref.SAM)
		if len(refs) == 0 || len(warns) != 0 {
			b.Fatalf("got %d references, warnings %v", len(refs), warns)
		}
	}
}

func BenchmarkDetect(b *testing.B) {
	templ := largeTemplate()
	other := []byte(strings.Repeat("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n", 60))
	for _, c := range []struct {
		name string
		src  []byte
	}{{"template", templ}, {"workflow", other}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.src)))
			b.ReportAllocs()
			for b.Loop() {
				Detect(c.src)
			}
		})
	}
}

// TestLargeTemplate checks the benchmark's template, so the benchmark
// measures a scan that finds what it should.
func TestLargeTemplate(t *testing.T) {
	t.Parallel()
	src := largeTemplate()
	if n := strings.Count(string(src), "\n"); n < 280 || n > 320 {
		t.Fatalf("template has %d lines, want about 300", n)
	}
	refs, warns := Scan(ref.File{Path: "template.yaml", Src: src}, "")
	if len(warns) != 0 {
		t.Fatal(warns)
	}
	// Powertools via Globals, two literal layers per function, and the two
	// mapping entries.
	if got, want := len(refs), 1+2*20+2; got != want {
		t.Errorf("got %d references, want %d", got, want)
	}
	checkBumps(t, "template.yaml", src)
}
