package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/bumpbot/bumpbot/internal/changelog"
	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/spf13/cobra"
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

// regionsFlag resolves --regions: the flag, then the environment variables
// named (an action's input, BUMPBOT_REGIONS), then the usual AWS region.
// A malformed name is a usage error.
func regionsFlag(cmd *cobra.Command, flag string, env ...string) ([]string, error) {
	vals := []config.Value{config.Flag("regions", flag, cmd.Flags().Changed("regions"))}
	for _, e := range env {
		vals = append(vals, config.Env(os.Getenv, e))
	}
	rs, err := config.Regions(config.First(append(vals, config.DefaultRegion(os.Getenv))...))
	if err != nil {
		return nil, usageError{err}
	}
	return rs, nil
}

// openLayers opens the registry and changelog builder the flags name,
// with the advisories --advisories names.
func openLayers(cmd *cobra.Command, lf *layerFlags, af *advisoryFlags) (*changelog.Builder, error) {
	b, err := lf.open(cmd)
	if err != nil {
		return nil, err
	}
	if err := af.apply(b); err != nil {
		return nil, err
	}
	return b, nil
}
