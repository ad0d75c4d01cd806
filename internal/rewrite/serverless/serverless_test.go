package serverless

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref/reftest"
)

// got is the part of a Reference a case states, flattened so a failure
// diff reads like the YAML it came from.
type got struct {
	At, ARN, Region, Account, Layer string
	Version                         int // 0 when null
	VersionAt                       string
	Context                         string
	Runtime, Arch                   string
}

func flatten(t *testing.T, f ref.File, refs []ref.Reference) []got {
	t.Helper()
	reftest.CheckVersionAt(t, []ref.File{f}, refs)
	var out []got
	for _, r := range refs {
		g := got{At: fmt.Sprintf("%d:%d", r.Line, r.Column), ARN: r.ARN, Region: r.Region, Account: r.Account, Layer: r.Layer, Context: r.Context}
		if r.Version != nil {
			g.Version = *r.Version
		}
		if r.VersionAt != nil {
			g.VersionAt = fmt.Sprintf("%d:%d", r.VersionAt.Line, r.VersionAt.Column)
		}
		if r.Function != nil {
			g.Runtime, g.Arch = r.Function.Runtime, strings.Join(r.Function.Architectures, ",")
		}
		if r.Format != ref.Serverless {
			t.Errorf("%s: format %q, want serverless", r.Pos, r.Format)
		}
		out = append(out, g)
	}
	return out
}

func TestScan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []got
	}{
		{
			name: "powertools python at provider and function level",
			src: `service: orders
provider:
  name: aws
  runtime: python3.12
  architecture: arm64
  layers:
    - arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV2-Arm64:79
functions:
  api:
    handler: app.handler
    runtime: python3.11
    architecture: x86_64
    layers:
      - arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:53
`,
			want: []got{
				{At: "7:7", ARN: "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV2-Arm64:79", Region: "eu-west-1", Account: "017000801446", Layer: "AWSLambdaPowertoolsPythonV2-Arm64", Version: 79, VersionAt: "7:85", Context: "provider.layers[0]", Runtime: "python3.12", Arch: "arm64"},
				{At: "14:9", ARN: "arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:53", Region: "eu-west-1", Account: "580247275435", Layer: "LambdaInsightsExtension", Version: 53, VersionAt: "14:77", Context: "functions.api.layers[0]", Runtime: "python3.11", Arch: "x86_64"},
			},
		},
		{
			name: "function inherits provider runtime and region variable stays a placeholder",
			src: `service: api
provider:
  name: aws
  runtime: nodejs20.x
  region: ${opt:region, 'us-east-1'}
functions:
  hello:
    handler: handler.hello
    layers:
      - arn:aws:lambda:${aws:region}:464622532012:layer:Datadog-Node20-x:112
      - "arn:aws:lambda:${opt:region, 'us-east-1'}:464622532012:layer:Datadog-Extension:65"
`,
			want: []got{
				{At: "10:9", ARN: "arn:aws:lambda:${aws:region}:464622532012:layer:Datadog-Node20-x:112", Region: "${aws:region}", Account: "464622532012", Layer: "Datadog-Node20-x", Version: 112, VersionAt: "10:74", Context: "functions.hello.layers[0]", Runtime: "nodejs20.x"},
				{At: "11:10", ARN: "arn:aws:lambda:${opt:region, 'us-east-1'}:464622532012:layer:Datadog-Extension:65", Region: "${opt:region, 'us-east-1'}", Account: "464622532012", Layer: "Datadog-Extension", Version: 65, VersionAt: "11:89", Context: "functions.hello.layers[1]", Runtime: "nodejs20.x"},
			},
		},
		{
			name: "version from custom resolves to the custom literal",
			src: `service: api
custom:
  powertoolsVersion: 12
provider:
  name: aws
  runtime: nodejs20.x
  layers:
    - arn:aws:lambda:${self:provider.region}:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:${self:custom.powertoolsVersion}
  region: us-east-1
`,
			want: []got{
				{At: "8:7", ARN: "arn:aws:lambda:${self:provider.region}:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:${self:custom.powertoolsVersion}", Region: "${self:provider.region}", Account: "094274105915", Layer: "AWSLambdaPowertoolsTypeScriptV2", Version: 12, VersionAt: "3:22", Context: "provider.layers[0]", Runtime: "nodejs20.x"},
			},
		},
		{
			name: "whole ARN in custom is reported at each use, not at its definition",
			src: `service: api
custom:
  layers:
    powertools: 'arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7'
provider:
  runtime: python3.12
functions:
  a:
    handler: a.handler
    layers:
      - ${self:custom.layers.powertools}
  b:
    handler: b.handler
    layers: ["${self:custom.layers.powertools}"]
`,
			want: []got{
				{At: "11:9", ARN: "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7", Region: "us-east-1", Account: "017000801446", Layer: "AWSLambdaPowertoolsPythonV3-python312-x86_64", Version: 7, VersionAt: "4:107", Context: "functions.a.layers[0]", Runtime: "python3.12"},
				{At: "14:15", ARN: "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7", Region: "us-east-1", Account: "017000801446", Layer: "AWSLambdaPowertoolsPythonV3-python312-x86_64", Version: 7, VersionAt: "4:107", Context: "functions.b.layers[0]", Runtime: "python3.12"},
			},
		},
		{
			name: "unused ARN in custom is reported where written",
			src: `custom:
  otelLayer: arn:aws:lambda:us-west-2:901920570463:layer:aws-otel-python-amd64-ver-1-25-0:1 # ADOT
`,
			want: []got{
				{At: "2:14", ARN: "arn:aws:lambda:us-west-2:901920570463:layer:aws-otel-python-amd64-ver-1-25-0:1", Region: "us-west-2", Account: "901920570463", Layer: "aws-otel-python-amd64-ver-1-25-0", Version: 1, VersionAt: "2:91", Context: "custom.otelLayer"},
			},
		},
		{
			name: "cloudformation resources with Sub and own properties",
			src: `service: legacy
resources:
  Resources:
    Worker:
      Type: AWS::Lambda::Function
      Properties:
        Runtime: python3.12
        Architectures: [arm64]
        Layers:
          - !Sub arn:aws:lambda:${AWS::Region}:770693421928:layer:Klayers-p312-requests:9
          - arn:aws-cn:lambda:cn-north-1:123456789012:layer:internal-utils:3
`,
			want: []got{
				{At: "10:18", ARN: "arn:aws:lambda:${AWS::Region}:770693421928:layer:Klayers-p312-requests:9", Region: "${AWS::Region}", Account: "770693421928", Layer: "Klayers-p312-requests", Version: 9, VersionAt: "10:89", Context: "resources.Resources.Worker.Properties.Layers[0]", Runtime: "python3.12", Arch: "arm64"},
				{At: "11:13", ARN: "arn:aws-cn:lambda:cn-north-1:123456789012:layer:internal-utils:3", Region: "cn-north-1", Account: "123456789012", Layer: "internal-utils", Version: 3, VersionAt: "11:76", Context: "resources.Resources.Worker.Properties.Layers[1]", Runtime: "python3.12", Arch: "arm64"},
			},
		},
		{
			name: "commented ARN is not reported, repeated ARN is reported twice",
			src: `provider:
  name: aws
  # layers:
  #   - arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:49
functions:
  a:
    layers: [arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:LambdaInsightsExtension:21]
  b:
    layers: [arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:LambdaInsightsExtension:21]
`,
			want: []got{
				{At: "7:14", ARN: "arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:LambdaInsightsExtension:21", Region: "us-gov-west-1", Account: "002406178527", Layer: "LambdaInsightsExtension", Version: 21, VersionAt: "7:93", Context: "functions.a.layers[0]"},
				{At: "9:14", ARN: "arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:LambdaInsightsExtension:21", Region: "us-gov-west-1", Account: "002406178527", Layer: "LambdaInsightsExtension", Version: 21, VersionAt: "9:93", Context: "functions.b.layers[0]"},
			},
		},
		{
			name: "escaped double-quoted version has no edit position",
			src: `functions:
  a:
    layers:
      - "arn:aws:lambda:us-east-1:123456789012:layer:x:\x34\x36"
`,
			want: []got{
				{At: "4:10", ARN: "arn:aws:lambda:us-east-1:123456789012:layer:x:46", Region: "us-east-1", Account: "123456789012", Layer: "x", Version: 46, Context: "functions.a.layers[0]"},
			},
		},
		{
			name: "folded block scalar is located word by word",
			src:  "custom:\n  note: >-\n    uses\n    arn:aws:lambda:us-east-1:123456789012:layer:shared:4\n",
			want: []got{
				{At: "4:5", ARN: "arn:aws:lambda:us-east-1:123456789012:layer:shared:4", Region: "us-east-1", Account: "123456789012", Layer: "shared", Version: 4, VersionAt: "4:56", Context: "custom.note"},
			},
		},
		{
			name: "self variable cycle and unknown path stay placeholders",
			src: `custom:
  a: ${self:custom.b}
  b: ${self:custom.a}
functions:
  f:
    layers:
      - arn:aws:lambda:us-east-1:123456789012:layer:x:${self:custom.a}
      - arn:aws:lambda:us-east-1:123456789012:layer:y:${self:custom.missing}
`,
			want: []got{
				{At: "7:9", ARN: "arn:aws:lambda:us-east-1:123456789012:layer:x:${self:custom.a}", Region: "us-east-1", Account: "123456789012", Layer: "x", Context: "functions.f.layers[0]"},
				{At: "8:9", ARN: "arn:aws:lambda:us-east-1:123456789012:layer:y:${self:custom.missing}", Region: "us-east-1", Account: "123456789012", Layer: "y", Context: "functions.f.layers[1]"},
			},
		},
		{
			name: "multi-byte characters before the value",
			src:  "custom:\n  # café\n  clé: 'arn:aws:lambda:us-east-1:123456789012:layer:shared:2'\n",
			want: []got{
				{At: "3:10", ARN: "arn:aws:lambda:us-east-1:123456789012:layer:shared:2", Region: "us-east-1", Account: "123456789012", Layer: "shared", Version: 2, VersionAt: "3:61", Context: "custom.clé"},
			},
		},
		{
			// yaml.v3 does not count the mark in line 1's columns.
			name: "byte order mark before a value on line 1",
			src:  "\xEF\xBB\xBFcustom: {a: 'arn:aws:lambda:us-east-1:123456789012:layer:shared:2'}\n",
			want: []got{
				{At: "1:17", ARN: "arn:aws:lambda:us-east-1:123456789012:layer:shared:2", Region: "us-east-1", Account: "123456789012", Layer: "shared", Version: 2, VersionAt: "1:68", Context: "custom.a"},
			},
		},
		{
			name: "tag, anchor and comment before the value",
			src:  "custom:\n  a: !!str &x # the layer\n    'arn:aws:lambda:us-east-1:123456789012:layer:shared:2'\n",
			want: []got{
				{At: "3:6", ARN: "arn:aws:lambda:us-east-1:123456789012:layer:shared:2", Region: "us-east-1", Account: "123456789012", Layer: "shared", Version: 2, VersionAt: "3:57", Context: "custom.a"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := []byte(tc.src)
			f := ref.File{Path: "serverless.yml", Src: src}
			refs, warns := Scan(f)
			if len(warns) > 0 {
				t.Fatalf("warnings: %v", warns)
			}
			if diff := cmp.Diff(tc.want, flatten(t, f, refs)); diff != "" {
				t.Errorf("references (-want +got):\n%s", diff)
			}
		})
	}
}
