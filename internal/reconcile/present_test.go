package reconcile

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal([]byte(got), want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func pos(file string, line int) ref.Pos { return ref.Pos{File: file, Line: line, Column: 5} }

const changelog = "#### Layer `node-utils`: version 10 → 14\n\n| Package | Ecosystem | From | To | Change |\n| --- | --- | --- | --- | --- |\n| axios | node | 1.6.0 | 1.7.2 | upgraded |\n"

func TestBodyShapes(t *testing.T) {
	t.Parallel()
	site := Site{WebURL: "https://github.com/acme/infra", Commit: "0123456789abcdef0123456789abcdef01234567"}
	one := Update{Layer: "AWSLambdaPowertoolsPythonV2", Partition: "aws", Region: "eu-west-1", Account: "017000801446", From: 46, To: 79,
		Moves: []Move{{At: pos("infra/main.tf", 12), VersionAt: pos("infra/main.tf", 12), Function: "aws_lambda_function.api", From: 46, To: 79}},
		Files: []ref.File{{Path: "infra/main.tf"}}, Body: "#### Layer `AWSLambdaPowertoolsPythonV2`: version 46 → 79\n"}
	several := Update{Layer: "node-utils", Partition: "aws", Region: "eu-west-1", Account: "123456789012", From: 10, To: 14,
		Moves: []Move{
			{At: pos("cdk/lib/api-stack.ts", 12), VersionAt: pos("cdk/lib/api-stack.ts", 12), From: 11, To: 14},
			{At: pos("serverless/serverless.yml", 15), VersionAt: pos("serverless/serverless.yml", 15), Function: "resize", From: 10, To: 14},
			{At: pos("terraform/main.tf", 23), VersionAt: pos("terraform/variables.tf", 4), Function: "aws_lambda_function.ingest", From: 10, To: 14},
		},
		Files: []ref.File{{Path: "cdk/lib/api-stack.ts"}, {Path: "serverless/serverless.yml"}, {Path: "terraform/variables.tf"}},
		Body:  changelog + "#### Notes\n\n- `serverless/serverless.yml:15:5`: node-utils: skipped version 13 supports arm64, not x86_64\n"}
	if got := Title(several); got != "Bump node-utils layer from 10, 11 to 14" {
		t.Errorf("title %q", got)
	}
	golden(t, "body_one_pin.md", Body(one, site))
	golden(t, "body_several_pins.md", Body(several, site))
	golden(t, "body_working_tree.md", Body(one, Site{}))
	merged := Update{Parts: []Update{one, several}, Files: append(one.Files, several.Files...), Body: one.Body + "\n" + several.Body}
	golden(t, "body_merged.md", Body(merged, site))

	// A changelog longer than GitHub accepts is cut, with a note, and the
	// marker survives.
	huge := one
	huge.Body = strings.Repeat("| pkg | python | 1.0 | 2.0 | upgraded é |\n", 3000)
	b := Body(huge, site)
	if len(b) > MaxBody || !utf8.ValidString(b) || !strings.Contains(b, "was cut here") || !strings.HasSuffix(b, marker(huge)+"\n") {
		t.Errorf("truncated body: %d bytes, valid %v, note %v, marker %v", len(b), utf8.ValidString(b), strings.Contains(b, "was cut here"), strings.HasSuffix(b, marker(huge)+"\n"))
	}
}
