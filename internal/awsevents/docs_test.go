package awsevents

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/testtool"
)

// The EventBridge template in the docs is a valid CloudFormation template
// (cfn-lint, an independent validator), and its rule matches exactly the
// events Parse handles, with the token header the handler reads.
func TestDocsTemplate(t *testing.T) {
	t.Parallel()
	lint := testtool.Need(t, "cfn-lint")
	doc, err := os.ReadFile("../../docs/github-app.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	start := strings.Index(s, "```yaml\nAWSTemplateFormatVersion")
	if start < 0 {
		t.Fatal("no CloudFormation template in docs/github-app.md")
	}
	tmpl := s[start+len("```yaml\n"):]
	tmpl = tmpl[:strings.Index(tmpl, "```")]
	for _, want := range []string{PublishEvent, DeleteEvent, "ApiKeyName: " + TokenHeader, "source: [aws.lambda]"} {
		if !strings.Contains(tmpl, want) {
			t.Errorf("the template lacks %q", want)
		}
	}
	p := filepath.Join(t.TempDir(), "eventbridge.yaml")
	if err := os.WriteFile(p, []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(lint, p).CombinedOutput(); err != nil {
		t.Errorf("cfn-lint: %v\n%s", err, out)
	}
}
