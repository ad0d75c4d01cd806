package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/bumpbot/bumpbot/internal/problem"
)

// The streamed --json output is byte for byte what encoding the whole
// document at once writes: for a real scan (references, functions,
// errors, notes), with HTML-escaped text, and with empty or nil arrays.
func TestScanJSONStreamed(t *testing.T) {
	demoCopy(t)
	_, stdout, _ := runCLI(t, "scan", "--json", "demo")
	var full scanOutput
	if err := json.Unmarshal([]byte(stdout), &full); err != nil {
		t.Fatal(err)
	}
	if len(full.References) == 0 || len(full.Functions) == 0 {
		t.Fatalf("the demo scan found %d references, %d functions", len(full.References), len(full.Functions))
	}
	odd := problem.Newf(problem.Parse, "a<b>&c.tf", 3, 4, "bad \"<token>\" & \u2028 here")
	full.Errors = append(full.Errors, odd)
	full.Notes = append(full.Notes, odd, odd)
	for name, o := range map[string]scanOutput{
		"full":  full,
		"empty": {References: full.References[:0], Functions: full.Functions[:0], Errors: []problem.Problem{}, Notes: []problem.Problem{}},
		"nil":   {Errors: []problem.Problem{odd}},
	} {
		var want, got bytes.Buffer
		if err := writeJSON(&want, o); err != nil {
			t.Fatal(err)
		}
		if err := o.writeJSON(&got); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: streamed output differs:\n%s\nwant:\n%s", name, got.String(), want.String())
		}
	}
}
