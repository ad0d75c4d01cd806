package pulumi

import (
	"path"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref/reftest"
)

// yamlSeeds are Pulumi YAML shapes: config defaults, variables, joins,
// escapes, aliases, and self-references.
var yamlSeeds = []string{
	"config:\n  v:\n    default: 79\nresources:\n  f:\n    type: aws:lambda:Function\n    properties:\n      layers:\n        - arn:aws:lambda:us-east-1:017000801446:layer:P:${v}\n",
	"variables:\n  a: arn:aws:lambda:us-east-1:580247275435:layer:L:53\nresources:\n  f:\n    properties:\n      layers: [\"${a}\", '${a}']\n",
	"resources:\n  f:\n    properties:\n      layers:\n        - fn::join: [\":\", [arn, aws, lambda, us-east-1, \"464622532012\", layer, X, \"7\"]]\n",
	"variables:\n  a: ${b}${b}\n  b: ${a}${a}\nresources:\n  r: arn:aws:lambda:us-east-1:464622532012:layer:X:${a}\n",
	"resources:\n  r: &x [\"arn:aws:lambda:us-east-1:464622532012:layer:X:6\\x35\", *x]\noutputs:\n  o: $${v}arn:aws:lambda:us-east-1:464622532012:layer:X:8\n",
	"resources:\n  r: >-\n    arn:aws:lambda:us-east-1:464622532012:layer:X:65\n  s: \"arn:aws:lambda:${region}:464622532012:layer:Datadog-${arch}:9\"\n",
}

// FuzzScanYAML checks on any input: no panic, the bytes at every
// version_at are the version's digits, and splicing a new version there
// leaves a program that still parses, in which only the references
// sharing that literal changed.
func FuzzScanYAML(f *testing.F) {
	for _, s := range yamlSeeds {
		f.Add([]byte(s))
	}
	scan := reftest.EachFile(ScanYAML)
	f.Fuzz(func(t *testing.T, src []byte) {
		files := []ref.File{{Path: "Pulumi.yaml", Src: src}}
		if _, warns := scan(files); len(warns) != 0 {
			if !strings.HasPrefix(warns[0].Message, "parse YAML: yaml: ") {
				// Not yaml.v3's error: a panic the scanner recovered.
				t.Fatalf("warning %q", warns[0].Message)
			}
			return
		}
		reftest.BumpEachAndRescan(t, scan, files, reftest.Options{Max: 3})
	})
}

// sourceSeeds are Pulumi programs in TypeScript and Python.
var sourceSeeds = []struct{ name, src string }{
	{"index.ts", "import * as pulumi from \"@pulumi/pulumi\";\nconst a = pulumi.concat(\"arn:aws:lambda:\", region, \":580247275435:layer:L:53\");\nconst b = pulumi.interpolate`arn:aws:lambda:${region}:094274105915:layer:P:${v}:12`;\n"},
	{"__main__.py", "import pulumi\nadot = pulumi.Output.concat(\"arn:aws:lambda:\", region, \":901920570463:layer:\" + name + \":1\", f(x, (y, z)))\n"},
	{"index.ts", "import * as aws from \"@pulumi/aws\";\nnew aws.lambda.Function(\"api\", {runtime: \"nodejs20.x\", code: a({b: [c]}), layers: [x, \"arn:aws:lambda:us-east-1:464622532012:layer:X:7\"]}, {});\n"},
	{"__main__.py", "import pulumi_aws as aws\nf = aws.lambda_.Function(\"f\", runtime=\"python3.12\", layers=[\n  \"arn:aws:lambda:us-east-1:464622532012:layer:X:7\",\n  pulumi.Output.concat(\"arn:aws:lambda:\", r, \":464622532012:layer:Y:8\")])\n"},
	{"index.ts", "import * as pulumi from \"@pulumi/pulumi\";\nconcat(concat(\"arn:aws:lambda:us-east-1:\", \"464622532012:layer:X:\"), \"7\")\nconcat(\n"},
}

// FuzzScanSource checks on any Pulumi program the same properties as
// FuzzScanYAML: no panic, version_at on the digits, edits that change
// only the literal they target.
func FuzzScanSource(f *testing.F) {
	for _, s := range sourceSeeds {
		f.Add(s.name, []byte(s.src))
	}
	scan := reftest.EachFile(ScanSource)
	f.Fuzz(func(t *testing.T, name string, src []byte) {
		name = "p" + path.Ext(name)
		reftest.BumpEachAndRescan(t, scan, []ref.File{{Path: name, Src: src}}, reftest.Options{Max: 3})
	})
}

// FuzzScanProject checks a program with a stack file beside it: no panic,
// version_at on the digits whichever file holds them, and edits that
// change only the references sharing the literal they target.
func FuzzScanProject(f *testing.F) {
	stacks := []string{
		"config:\n  api:v: \"81\"\n  other:v: 3\n",
		"config:\n  v:\n    value: 80\n  a:\n    secure: v1:abc\n",
		"config:\n  api:a: arn:aws:lambda:us-east-1:580247275435:layer:L:54\n",
	}
	for i, s := range yamlSeeds {
		f.Add([]byte("name: api\n"+s), []byte(stacks[i%len(stacks)]))
	}
	f.Fuzz(func(t *testing.T, program, stack []byte) {
		files := []ref.File{{Path: "Pulumi.yaml", Src: program}, {Path: "Pulumi.dev.yaml", Src: stack}}
		if _, warns := ScanProject(files); len(warns) != 0 {
			return // a file that does not parse: literal detection's job
		}
		reftest.BumpEachAndRescan(t, ScanProject, files, reftest.Options{Max: 3})
	})
}
