package cdk

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

func TestScanContext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, src string
		want            []string
	}{
		{
			name: "cdk.json context key and array",
			file: "cdk.json",
			src: "{\n  \"app\": \"npx ts-node bin/app.ts\",\n  \"context\": {\n    \"powertoolsLayerArn\": \"arn:aws:lambda:eu-west-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:12\",\n" +
				"    \"layers\": [\"arn:aws-cn:lambda:cn-north-1:123456789012:layer:shared:3\", true, 4]\n  }\n}\n",
			want: []string{
				`4:28 arn:aws:lambda:eu-west-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:12 v=12@4:104 cdk "context.powertoolsLayerArn"`,
				`5:17 arn:aws-cn:lambda:cn-north-1:123456789012:layer:shared:3 v=3@5:72 cdk "context.layers[0]"`,
			},
		},
		{
			name: "cdk.context.json with escapes and nested objects",
			file: "cdk.context.json",
			src: "{\"ssm:account=123456789012:parameterName=/layers/insights:region=us-east-1\": {\"value\": \"arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:5\\u0033\"},\r\n" +
				" \"plain\":\"arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:LambdaInsightsExtension:21\"}",
			want: []string{
				`1:89 arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53 v=53@- cdk "ssm:account=123456789012:parameterName=/layers/insights:region=us-east-1.value"`,
				`2:11 arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:LambdaInsightsExtension:21 v=21@2:90 cdk "plain"`,
			},
		},
		{
			name: "escaped quote, backslash and solidus before the arn",
			file: "cdk.json",
			src:  "{\"context\": {\"a\": \"\\\"\\\\\\/ arn:aws:lambda:us-east-1:123456789012:layer:x:1\"}}",
			want: []string{`1:27 arn:aws:lambda:us-east-1:123456789012:layer:x:1 v=1@1:73 cdk "context.a"`},
		},
		{
			name: "unicode escape inside the layer name",
			file: "cdk.json",
			src:  "{\"l\": \"arn:aws:lambda:us-east-1:123456789012:layer:requests\\u002dpy312:1\"}",
			want: []string{`1:8 arn:aws:lambda:us-east-1:123456789012:layer:requests-py312:1 v=1@1:72 cdk "l"`},
		},
		{
			name: "surrogate pair before the arn",
			file: "cdk.json",
			src:  "{\"l\": [\"\\ud83d\\ude00arn:aws:lambda:us-east-1:123456789012:layer:x:12\"]}",
			want: []string{`1:21 arn:aws:lambda:us-east-1:123456789012:layer:x:12 v=12@1:67 cdk "l[0]"`},
		},
		{
			name: "no ARN",
			file: "cdk.json",
			src:  `{"app": "python3 app.py", "context": {"@aws-cdk/core:newStyleStackSynthesis": true}}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, scanAll(t, ScanContext, tc.file, tc.src)); diff != "" {
				t.Errorf("references (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScanContextUnparsed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		line      int
	}{
		{name: "trailing comma", src: "{\n  \"context\": {\n    \"a\": \"arn:aws:lambda:us-east-1:123456789012:layer:x:1\",\n  }\n}\n", line: 4},
		{name: "truncated", src: "{\"context\": {\"a\": \"arn:aws:lambda:us-east-1:123456789012:layer:x:1\"", line: 1},
		{name: "two values", src: "{\"a\": \"arn:aws:lambda:us-east-1:123456789012:layer:x:1\"}\n{}", line: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			refs, warns := ScanContext(ref.File{Path: "cdk.json", Src: []byte(tc.src)})
			if len(refs) != 0 || len(warns) != 1 || warns[0].Kind != problem.Parse || warns[0].Line != tc.line {
				t.Fatalf("got %v %+v, want one unparsed warning at line %d", refs, warns, tc.line)
			}
		})
	}
}
