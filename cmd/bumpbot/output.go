package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/problem"
)

// writeJSON prints v as indented JSON, the form of every --json output.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printProblems writes errors then notes, one "error: file:line:col:
// message" or "note: …" line each: the text form every command uses.
func printProblems(w io.Writer, errs, notes []problem.Problem) {
	for _, e := range errs {
		fmt.Fprintf(w, "error: %s\n", e.Error())
	}
	for _, n := range notes {
		fmt.Fprintf(w, "note: %s\n", n.Error())
	}
}

// loadPolicy reads --policy: a file that cannot be read is an error (exit
// 1), one that does not parse a usage error (exit 2) listing each mistake
// with its line and column.
func loadPolicy(path string) (policy.Policy, error) {
	p, err := policy.Load(path)
	if _, ok := errors.AsType[*config.LoadError](err); ok {
		return p, err
	}
	if err != nil {
		return p, usagef("%v", err)
	}
	return p, nil
}
