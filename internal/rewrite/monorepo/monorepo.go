// Package monorepo generates a synthetic monorepo for the scan benchmark:
// mostly application code and data that hold no layer ARN, with a small
// share of infrastructure files that pin layers, in the formats bumpbot
// reads. The output is deterministic for a seed.
package monorepo

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
)

// Spec sizes the generated tree.
type Spec struct {
	Files    int     // total number of files
	Bytes    int64   // approximate total size
	IaCShare float64 // share of files that are IaC holding ARNs (0.02 = 2%)
	Seed     int64
}

// Default is the benchmark's tree: about 20,000 files, 200 MB, 2% IaC.
var Default = Spec{Files: 20000, Bytes: 200 << 20, IaCShare: 0.02, Seed: 1}

// Stats says what was generated.
type Stats struct {
	Files, IaCFiles, Pins int
	Bytes                 int64
}

// Generate writes the tree under dir.
func Generate(dir string, s Spec) (Stats, error) {
	rng := rand.New(rand.NewSource(s.Seed))
	var st Stats
	avg := s.Bytes / int64(s.Files)
	iac := int(float64(s.Files) * s.IaCShare)
	for i := 0; i < s.Files; i++ {
		svc := fmt.Sprintf("services/svc%03d", i%400)
		var name string
		var data []byte
		if i < iac {
			name, data = iacFile(rng, i)
			st.IaCFiles++
			st.Pins += strings.Count(string(data), ":layer:")
		} else {
			name, data = codeFile(rng, i, avg)
		}
		p := filepath.Join(dir, svc, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return st, err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return st, err
		}
		st.Files++
		st.Bytes += int64(len(data))
	}
	return st, nil
}

var layerNames = []string{
	"017000801446:layer:AWSLambdaPowertoolsPythonV2",
	"464622532012:layer:Datadog-Extension",
	"580247275435:layer:LambdaInsightsExtension",
	"901920570463:layer:aws-otel-python-amd64-ver-1-25-0",
	"770693421928:layer:Klayers-p312-requests",
}

func pinText(rng *rand.Rand, region string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:%d", region, layerNames[rng.Intn(len(layerNames))], 1+rng.Intn(90))
}

// iacFile returns one infrastructure file in one of the scanned formats.
func iacFile(rng *rand.Rand, i int) (string, []byte) {
	switch i % 4 {
	case 0:
		return fmt.Sprintf("infra/m%d/main.tf", i), []byte(fmt.Sprintf(`resource "aws_lambda_function" "f%d" {
  function_name = "f%d"
  runtime       = "python3.12"
  handler       = "app.handler"
  layers        = ["%s", "%s"]
}
`, i, i, pinText(rng, "us-east-1"), pinText(rng, "us-east-1")))
	case 1:
		return fmt.Sprintf("template-%d.yaml", i), []byte(fmt.Sprintf(`AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Layers:
        - !Sub %s
`, pinText(rng, "${AWS::Region}")))
	case 2:
		return "serverless.yml", []byte(fmt.Sprintf(`service: svc%d
provider:
  name: aws
  runtime: nodejs20.x
  layers:
    - %s
`, i, pinText(rng, "${aws:region}")))
	default:
		return fmt.Sprintf("lib/stack%d.ts", i), []byte(fmt.Sprintf(`import * as lambda from 'aws-cdk-lib/aws-lambda';
// The shared layer of this stack.
const layer = lambda.LayerVersion.fromLayerVersionArn(this, 'L', '%s');
`, pinText(rng, "us-east-1")))
	}
}

var words = strings.Fields(`the lambda function handler returns a response object with status
code and body while the client retries requests with exponential backoff and
jitter so that throttled calls eventually succeed layer version region account`)

// codeFile returns an application file holding no layer ARN, about avg
// bytes long (sizes vary from a tenth to twice the average).
func codeFile(rng *rand.Rand, i int, avg int64) (string, []byte) {
	exts := []string{".py", ".ts", ".go", ".java", ".json", ".txt", ".yaml", ".md"}
	ext := exts[rng.Intn(len(exts))]
	size := avg/10 + rng.Int63n(avg*19/10+1)
	var b strings.Builder
	b.Grow(int(size) + 80)
	for int64(b.Len()) < size {
		for w := 0; w < 12; w++ {
			b.WriteString(words[rng.Intn(len(words))])
			b.WriteByte(' ')
		}
		b.WriteByte('\n')
	}
	return fmt.Sprintf("src/pkg%d/file%d%s", i%50, i, ext), []byte(b.String())
}
