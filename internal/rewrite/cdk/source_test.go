package cdk

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref/reftest"
)

// summary renders what a case states about a reference on one line:
// position, ARN as reported, version and where it is edited, format and
// context.
func summary(t *testing.T, src []byte, r ref.Reference) string {
	t.Helper()
	ver, at := "null", "-"
	if r.Version != nil {
		ver = strconv.Itoa(*r.Version)
	}
	if r.VersionAt != nil {
		at = fmt.Sprintf("%d:%d", r.VersionAt.Line, r.VersionAt.Column)
	}
	if r.Offset+4 > len(src) || string(src[r.Offset:r.Offset+4]) != "arn:" {
		t.Errorf("%s: the ARN does not start at its position", r.Pos)
	}
	return fmt.Sprintf("%d:%d %s v=%s@%s %s %q", r.Line, r.Column, r.ARN, ver, at, r.Format, r.Context)
}

func scanAll(t *testing.T, scan func(ref.File) ([]ref.Reference, []problem.Problem), name, src string) []string {
	t.Helper()
	f := ref.File{Path: name, Src: []byte(src)}
	refs, warns := scan(f)
	if len(warns) > 0 {
		t.Fatalf("warnings: %v", warns)
	}
	reftest.CheckVersionAt(t, []ref.File{f}, refs)
	var out []string
	for _, r := range refs {
		if r.File != name {
			t.Errorf("file %q, want %q", r.File, name)
		}
		out = append(out, summary(t, []byte(src), r))
	}
	return out
}

func TestScanSource(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, src string
		want            []string
	}{
		{
			name: "typescript powertools with Stack.of region",
			file: "lib/api-stack.ts",
			src: "import * as lambda from 'aws-cdk-lib/aws-lambda';\n" +
				"const l = lambda.LayerVersion.fromLayerVersionArn(this, 'Powertools',\n" +
				"  `arn:aws:lambda:${Stack.of(this).region}:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:12`);\n",
			want: []string{`3:4 arn:aws:lambda:${Stack.of(this).region}:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:12 v=12@3:95 cdk "LayerVersion.fromLayerVersionArn"`},
		},
		{
			name: "comments are not scanned, strings after them are",
			file: "lib/stack.ts",
			src: "import { Stack } from 'aws-cdk-lib';\n" +
				"// const old = 'arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:40';\n" +
				"/* 'arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:50'\n */ const ext = \"arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:65\"; // arn:aws:lambda:us-east-1:1:layer:x:1\n",
			want: []string{`4:18 arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:65 v=65@4:80 cdk "const ext"`},
		},
		{
			name: "nested template braces, regex with quotes, repeated ARN",
			file: "lib/stack.js",
			src: "const re = /[\"'`]/g, x = a / b / c;\n" +
				"const t = `${ {a: `in${'}'}`}.a }`;\n" +
				"const nested = `${cond ? 'arn:aws:lambda:us-east-1:123456789012:layer:inner:3' : 'x'}`;\n" +
				"layers.push('arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53');\n" +
				"layers.push('arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53');\n",
			want: []string{
				`3:27 arn:aws:lambda:us-east-1:123456789012:layer:inner:3 v=3@3:77 text ""`,
				`4:14 arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53 v=53@4:82 text "layers.push"`,
				`5:14 arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53 v=53@5:82 text "layers.push"`,
			},
		},
		{
			name: "concatenation with identifiers as placeholders",
			file: "lib/stack.ts",
			src: "import * as cdk from 'aws-cdk-lib';\n" +
				"const insights = 'arn:aws:lambda:' + this.region + ':580247275435:layer:' + 'LambdaInsightsExtension-Arm64:20';\n",
			want: []string{`2:19 arn:aws:lambda:${this.region}:580247275435:layer:LambdaInsightsExtension-Arm64:20 v=20@2:108 cdk "const insights"`},
		},
		{
			name: "escaped version digits have no edit position",
			file: "lib/stack.ts",
			src:  "const a = 'arn:aws:lambda:us-east-1:123456789012:layer:x:4\\\n6';\n",
			want: []string{`1:12 arn:aws:lambda:us-east-1:123456789012:layer:x:46 v=46@- text "const a"`},
		},
		{
			name: "python f-string, raw percent string, comment and triple quotes",
			file: "app.py",
			src: "import aws_cdk as cdk\n" +
				"# arn:aws:lambda:us-east-1:770693421928:layer:Klayers-p312-requests:1\n" +
				"arn = f\"arn:aws:lambda:{self.region}:770693421928:layer:Klayers-p312-requests:9\"  # {{literal}}\n" +
				"fn = _lambda.LayerVersion.from_layer_version_arn(self, 'P', layer_version_arn=Rf'arn:aws-us-gov:lambda:%s:002406178527:layer:LambdaInsightsExtension:21')\n" +
				"doc = '''\n  arn:aws-cn:lambda:cn-north-1:123456789012:layer:shared:3\n'''\n",
			want: []string{
				`3:9 arn:aws:lambda:{self.region}:770693421928:layer:Klayers-p312-requests:9 v=9@3:79 cdk "arn"`,
				`4:82 arn:aws-us-gov:lambda:%s:002406178527:layer:LambdaInsightsExtension:21 v=21@4:150 cdk "LayerVersion.from_layer_version_arn"`,
				`6:3 arn:aws-cn:lambda:cn-north-1:123456789012:layer:shared:3 v=3@6:58 cdk "doc"`,
			},
		},
		{
			name: "python without CDK import is text, implicit concatenation",
			file: "scripts/layers.py",
			src:  "LAYERS = {\"powertools\": (\"arn:aws:lambda:eu-west-1:017000801446:layer:\"\n    \"AWSLambdaPowertoolsPythonV2:79\")}\n",
			want: []string{`1:27 arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:79 v=79@2:34 text "powertools"`},
		},
		{
			name: "java String.format, char literal quote, text block",
			file: "src/main/java/com/example/Stack.java",
			src: "import software.amazon.awscdk.Stack;\nchar q = '\"'; String s = \"x\";\n" +
				"ILayerVersion l = LayerVersion.fromLayerVersionArn(this, \"I\", String.format(\"arn:aws:lambda:%s:580247275435:layer:LambdaInsightsExtension:53\", region));\n" +
				"String b = \"\"\"\n    arn:aws:lambda:us-east-1:123456789012:layer:block:2\n    \"\"\";\n",
			want: []string{
				`3:78 arn:aws:lambda:%s:580247275435:layer:LambdaInsightsExtension:53 v=53@3:139 cdk "LayerVersion.fromLayerVersionArn"`,
				`5:5 arn:aws:lambda:us-east-1:123456789012:layer:block:2 v=2@5:55 cdk "b"`,
			},
		},
		{
			name: "c# verbatim and interpolated strings",
			file: "src/Service/ServiceStack.cs",
			src: "using Amazon.CDK;\nvar q = @\"say \"\"hi\"\" arn:aws:lambda:us-east-1:123456789012:layer:v:4\";\n" +
				"var d = LayerVersion.FromLayerVersionArn(this, \"D\", $\"arn:aws:lambda:{Region}:464622532012:layer:dd-trace-dotnet:{{15}}:15\");\n",
			want: []string{
				`2:22 arn:aws:lambda:us-east-1:123456789012:layer:v:4 v=4@2:68 cdk "var q"`,
				`3:55 arn:aws:lambda:{Region}:464622532012:layer:dd-trace-dotnet:{15} v=null@- cdk "LayerVersion.FromLayerVersionArn"`,
			},
		},
		{
			name: "go raw string, rune quote, jsii wrappers",
			file: "stack.go",
			src: "import \"github.com/aws/aws-cdk-go/awscdk/v2/awslambda\"\nq := '\"'\n" +
				"l := awslambda.LayerVersion_FromLayerVersionArn(stack, jsii.String(\"L\"), jsii.String(fmt.Sprintf(\"arn:aws:lambda:%s:580247275435:layer:LambdaInsightsExtension-Arm64:20\", region)))\n" +
				"raw := `arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM:65`\n",
			want: []string{
				`3:99 arn:aws:lambda:%s:580247275435:layer:LambdaInsightsExtension-Arm64:20 v=20@3:166 cdk "awslambda.LayerVersion_FromLayerVersionArn"`,
				`4:9 arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM:65 v=65@4:75 cdk "raw"`,
			},
		},
		{
			name: "kotlin string template",
			file: "src/main/kotlin/Stack.kt",
			src:  "import software.amazon.awscdk.Stack\nval adot = \"arn:aws:lambda:${region}:901920570463:layer:aws-otel-java-wrapper-arm64-ver-1-32-0:5\" // arn:aws:lambda:us-east-1:1:layer:x:1\n",
			want: []string{`2:13 arn:aws:lambda:${region}:901920570463:layer:aws-otel-java-wrapper-arm64-ver-1-32-0:5 v=5@2:96 cdk "val adot"`},
		},
		{
			name: "unterminated string and comment end at EOF",
			file: "lib/broken.ts",
			src:  "const a = 'arn:aws:lambda:us-east-1:123456789012:layer:x:7\n/* arn:aws:lambda:us-east-1:123456789012:layer:y:8",
			want: []string{`1:12 arn:aws:lambda:us-east-1:123456789012:layer:x:7 v=7@1:58 text "const a"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, scanAll(t, ScanSource, tc.file, tc.src)); diff != "" {
				t.Errorf("references (-want +got):\n%s", diff)
			}
		})
	}
}
