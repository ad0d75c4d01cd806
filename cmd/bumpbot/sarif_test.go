package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchema compiles the OASIS schema of SARIF 2.1.0 (errata 01),
// committed under testdata: the test needs no network.
func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join(testdataDir, "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(sarifSchema, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(sarifSchema)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// validSARIF fails the test unless out is a SARIF 2.1.0 log by the schema.
func validSARIF(t *testing.T, schema *jsonschema.Schema, out string) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("not SARIF 2.1.0: %v", err)
	}
}

// audit --sarif: policy violations and advisories as SARIF results that
// the SARIF 2.1.0 schema accepts, one rule each, errors for what is due
// and notes for what is not yet.
func TestAuditSARIF(t *testing.T) {
	schema := compileSARIFSchema(t)
	osv, err := filepath.Abs("../../internal/advisory/testdata/osv")
	if err != nil {
		t.Fatal(err)
	}
	reg := demoCopy(t)
	if err := os.WriteFile("policy.yml", []byte(testPolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(old func() time.Time) { now = old }(now)
	now = func() time.Time { return time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) }
	code, stdout, stderr := runCLI(t, "audit", reg, "--policy", "policy.yml", "--advisories", osv, "--sarif", "demo")
	if code != 3 {
		t.Errorf("exit %d, want 3 (violations); stderr %s", code, stderr)
	}
	validSARIF(t, schema, stdout)
	goldenFile(t, "testdata/audit.sarif", stdout)

	// Nothing found: a valid log with no result, exit 0.
	os.WriteFile("clean.yml", []byte("version: 1\nrules:\n  - {layer: nothing-pins-this, minimum: 2}\n"), 0o644)
	code, stdout, _ = runCLI(t, "audit", "--policy", "clean.yml", "--sarif", "demo")
	if code != 0 || !strings.Contains(stdout, `"results": []`) {
		t.Errorf("clean: exit %d\n%s", code, stdout)
	}
	validSARIF(t, schema, stdout)
	if code, _, stderr := runCLI(t, "audit", "--policy", "clean.yml", "--sarif", "--json", "demo"); code != 2 || !strings.Contains(stderr, "exclusive") {
		t.Errorf("--sarif --json: exit %d %s", code, stderr)
	}
}

// The schema test can fail: a log missing what SARIF requires is refused.
func TestSARIFSchemaRefuses(t *testing.T) {
	schema := compileSARIFSchema(t)
	doc, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version":"2.1.0","runs":[{"results":[]}]}`))
	if schema.Validate(doc) == nil {
		t.Error("a run without a tool passed the SARIF schema")
	}
}
