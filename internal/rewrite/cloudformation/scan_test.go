package cloudformation

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref/reftest"
)

// The layers most templates pin, to keep the cases readable.
const (
	powertools = "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:46"
	ddPython   = "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312:98"
	ddExt      = "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:65"
	secrets    = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension:11"
)

func TestScan(t *testing.T) {
	t.Parallel()
	tests := []scanCase{
		{
			name: "sam powertools sub with region placeholder",
			src: `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Layers:
        - !Sub arn:aws:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPythonV2:46
`,
			want: []string{"8:16 sam arn:aws:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPythonV2:46 v=46 at=8:93 ctx=Resources.Fn.Properties.Layers[0] fn=python3.12/"},
		},
		{
			name: "sub version from parameter default",
			src: `Parameters:
  PowertoolsVersion:
    Type: Number
    Default: 46
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Layers:
        - !Sub 'arn:${AWS::Partition}:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPythonV2:${PowertoolsVersion}'
`,
			want: []string{"10:17 cloudformation arn:${AWS::Partition}:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPythonV2:${PowertoolsVersion} v=46 at=4:14 ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "sub version from its own variable map",
			src: `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Layers:
        - Fn::Sub:
            - arn:aws:lambda:${AWS::Region}:${Account}:layer:Datadog-Extension:${Version}
            - Account: "464622532012"
              Version: 65
`,
			want: []string{"7:15 cloudformation arn:aws:lambda:${AWS::Region}:${Account}:layer:Datadog-Extension:${Version} v=65 at=9:24 ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "sub version parameter without default stays a placeholder",
			src: `Parameters:
  V: {Type: Number}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Layers: [!Sub "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:${V}"]
`,
			want: []string{"7:22 cloudformation arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:${V} v=null at=null ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "join with region ref and version parameter",
			src: `Parameters:
  InsightsVersion: {Type: String, Default: "49"}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Layers:
        - !Join ["", ["arn:aws:lambda:", !Ref AWS::Region, ":580247275435:layer:LambdaInsightsExtension:", !Ref InsightsVersion]]
`,
			want: []string{"8:24 cloudformation arn:aws:lambda:${AWS::Region}:580247275435:layer:LambdaInsightsExtension:49 v=49 at=2:45 ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "ref to parameter holding the full arn is counted once, at the default",
			src: `Parameters:
  SecretsLayer:
    Type: String
    Default: ` + secrets + `
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Architectures: [arm64]
      Layers: [!Ref SecretsLayer]
`,
			want: []string{"4:14 cloudformation " + secrets + " v=11 at=4:102 ctx=Parameters.SecretsLayer.Default fn=python3.12/arm64"},
		},
		{
			name: "findinmap with literal keys is counted once, in the mapping",
			src: `Mappings:
  Layers:
    us-east-1: {Datadog: "` + ddExt + `"}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Layers:
        - !FindInMap [Layers, us-east-1, Datadog]
        - Fn::FindInMap: [Layers, us-east-1, Datadog]
`,
			want: []string{"3:27 cloudformation " + ddExt + " v=65 at=3:89 ctx=Mappings.Layers.us-east-1.Datadog"},
		},
		{
			name: "arns in comments are not reported",
			src: `Resources:
  # arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:60
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Layers:
        - ` + ddExt + ` # was arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:64
`,
			want: []string{"7:11 cloudformation " + ddExt + " v=65 at=7:73 ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "same arn repeated is reported at each place",
			src: `Resources:
  A:
    Type: AWS::Lambda::Function
    Properties: {Layers: [` + ddExt + `, ` + ddPython + `]}
  B:
    Type: AWS::Lambda::Function
    Properties: {Layers: [` + ddExt + `]}
`,
			want: []string{
				"4:27 cloudformation " + ddExt + " v=65 at=4:89 ctx=Resources.A.Properties.Layers[0]",
				"4:93 cloudformation " + ddPython + " v=98 at=4:155 ctx=Resources.A.Properties.Layers[1]",
				"7:27 cloudformation " + ddExt + " v=65 at=7:89 ctx=Resources.B.Properties.Layers[0]",
			},
		},
		{
			name: "china and govcloud partitions",
			src: `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Layers:
        - arn:aws-cn:lambda:cn-north-1:498634801083:layer:AWSLambdaPowertoolsPythonV2:12
        - arn:aws-us-gov:lambda:us-gov-west-1:165093116878:layer:AWSLambdaPowertoolsPythonV2:9
`,
			want: []string{
				"6:11 cloudformation arn:aws-cn:lambda:cn-north-1:498634801083:layer:AWSLambdaPowertoolsPythonV2:12 v=12 at=6:87 ctx=Resources.Fn.Properties.Layers[0]",
				"7:11 cloudformation arn:aws-us-gov:lambda:us-gov-west-1:165093116878:layer:AWSLambdaPowertoolsPythonV2:9 v=9 at=7:94 ctx=Resources.Fn.Properties.Layers[1]",
			},
		},
		{
			name: "sam globals layers and runtime fallback, not for plain lambda functions",
			src: `Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Globals:
  Function:
    Runtime: nodejs20.x
    Architectures: [arm64]
    Layers: [` + ddExt + `]
Resources:
  Sam:
    Type: AWS::Serverless::Function
    Properties: {Layers: [` + ddPython + `]}
  Plain:
    Type: AWS::Lambda::Function
    Properties: {Layers: [` + ddPython + `]}
`,
			want: []string{
				"6:14 sam " + ddExt + " v=65 at=6:76 ctx=Globals.Function.Layers[0] fn=nodejs20.x/arm64",
				"10:27 sam " + ddPython + " v=98 at=10:89 ctx=Resources.Sam.Properties.Layers[0] fn=nodejs20.x/arm64",
				"13:27 sam " + ddPython + " v=98 at=13:89 ctx=Resources.Plain.Properties.Layers[0]",
			},
		},
		{
			name: "arns outside layers anywhere in the template",
			src: `Resources:
  Param:
    Type: AWS::SSM::Parameter
    Properties:
      Value: !Sub "layer=${Arn}"
Outputs:
  Arn:
    Value: ` + secrets + `
`,
			want: []string{"8:12 cloudformation " + secrets + " v=11 at=8:100 ctx=Outputs.Arn.Value"},
		},
	}
	runScanCases(t, tests)
}

// scanCase is a template and the summaries of the references it holds.
type scanCase struct {
	name string
	src  string
	want []string
}

func runScanCases(t *testing.T, tests []scanCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			refs, warns := Scan(ref.File{Path: "template.yaml", Src: []byte(tc.src)}, "")
			if len(warns) != 0 {
				t.Fatalf("warnings: %v", warns)
			}
			if diff := cmp.Diff(tc.want, summaries(refs)); diff != "" {
				t.Errorf("references (-want +got):\n%s", diff)
			}
			reftest.CheckVersionAt(t, []ref.File{{Path: "template.yaml", Src: []byte(tc.src)}}, refs)
		})
	}
}

func TestScanUnparsed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		src      string
		wantLine int
		wantMsg  string
	}{
		{
			name: "bad indentation",
			src:  "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n   Properties: {Layers: [" + ddExt + "]}\n",
			// yaml.v3 reports the line of the mapping it was parsing.
			wantLine: 2,
			wantMsg:  "cannot parse template: did not find expected key",
		},
		{
			name:     "unclosed json",
			src:      `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Layers": ["` + ddExt + `"]}}`,
			wantLine: 1,
			wantMsg:  "did not find expected",
		},
		{
			name:     "tab indentation",
			src:      "Resources:\n\tFn:\n\t\tType: AWS::Lambda::Function # lambda\n",
			wantLine: 2,
			wantMsg:  "cannot parse template:",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			refs, warns := Scan(ref.File{Path: "t.yaml", Src: []byte(tc.src)}, ref.CloudFormation)
			if len(refs) != 0 {
				t.Errorf("got %d references from a broken file", len(refs))
			}
			if len(warns) != 1 {
				t.Fatalf("got %d warnings, want 1: %v", len(warns), warns)
			}
			w := warns[0]
			if w.Kind != problem.Parse || w.File != "t.yaml" || w.Line != tc.wantLine || !strings.Contains(w.Message, tc.wantMsg) {
				t.Errorf("warning = %+v, want Unparsed at t.yaml:%d containing %q", w, tc.wantLine, tc.wantMsg)
			}
		})
	}
}
