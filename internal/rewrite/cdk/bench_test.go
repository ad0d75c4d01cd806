package cdk

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// stackSource builds a TypeScript stack of about n lines holding a few
// layer ARNs among ordinary CDK code, comments and templates.
func stackSource(n int) []byte {
	var b strings.Builder
	b.WriteString("import * as cdk from 'aws-cdk-lib';\nimport * as lambda from 'aws-cdk-lib/aws-lambda';\n\n")
	for i := 0; b.Len() == 0 || strings.Count(b.String(), "\n") < n; i++ {
		fmt.Fprintf(&b, `// Handler %[1]d: see docs for arn:aws:lambda:us-east-1:123456789012:layer:old:1
const fn%[1]d = new lambda.Function(this, 'Fn%[1]d', {
  runtime: lambda.Runtime.NODEJS_20_X,
  handler: `+"`handlers/${name}%[1]d.handler`"+`,
  code: lambda.Code.fromAsset(path.join(__dirname, '..', 'dist', "fn%[1]d")),
  memorySize: 256 * (%[1]d %% 4 + 1), timeout: cdk.Duration.seconds(30),
  environment: { TABLE: table.tableName, /* inline */ MODE: 'prod' },
});
`, i)
		if i%40 == 0 {
			fmt.Fprintf(&b, "const layer%d = lambda.LayerVersion.fromLayerVersionArn(this, 'L%d', `arn:aws:lambda:${cdk.Stack.of(this).region}:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:%d`);\n", i, i, i+1)
		}
	}
	return []byte(b.String())
}

func BenchmarkScanSource(b *testing.B) {
	src := stackSource(2000)
	f := ref.File{Path: "lib/api-stack.ts", Src: src}
	refs, _ := ScanSource(f)
	if len(refs) < 3 {
		b.Fatalf("benchmark input holds %d references", len(refs))
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		ScanSource(f)
	}
}
