package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/layers"
)

func init() { register(newBumpCmd) }

func newBumpCmd() *cobra.Command {
	var (
		lf                layerFlags
		regions, strategy string
		write, asJSON     bool
	)
	cmd := &cobra.Command{
		Use:   "bump [--registry aws|dir:PATH] [--regions R1,R2] [--strategy latest|next] [--write] [--json] PATH...",
		Short: "Move pinned Lambda layer versions to newer ones",
		Long: `bump finds every pinned Lambda layer version under PATH, resolves the
version each should move to, and prints a unified diff (git apply-able)
followed by a changelog of each bump. With --write it edits the files in
place instead; only version digits change. With --json it prints one
object {"changes":[...],"changelogs":[...],"errors":[...]}.

--registry aws (the default) asks the AWS Lambda API with the usual AWS
configuration (AWS_PROFILE, AWS_REGION, credentials, AWS_ENDPOINT_URL_LAMBDA);
dir:PATH reads a directory laid out as PATH/<partition>/<region>/<account>/
<layer>/<version>.zip. --regions lists the regions a template deploys to:
an ARN whose region is a placeholder (${AWS::Region}) moves to the newest
version that exists in all of them (default: AWS_REGION).
--strategy latest moves to the newest version, next to the next one.
A pin never moves down.

Problems with one reference (access denied, throttling, a file that does
not parse, a deleted pin that cannot be replaced) are reported (stderr, or
"errors" in JSON) and every other reference is still bumped. Newer versions
that do not support the function's runtime or architecture are skipped
with a note on stderr; that is not an error.

Exit status: 0 when no error was reported (with or without changes), 1 when
any error was reported, 2 on usage error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			strat, err := layers.ParseStrategy(strategy)
			if err != nil {
				return usageError{err}
			}
			reg, err := lf.open(cmd)
			if err != nil {
				return err
			}
			b, err := lf.builder(reg)
			if err != nil {
				return err
			}
			opts := bump.Options{Strategy: strat, Regions: splitRegions(regions), Changelog: bump.PackageChangelog{Builder: b}}
			return runBump(cmd, args, reg, opts, write, asJSON)
		},
	}
	lf.add(cmd)
	f := cmd.Flags()
	f.StringVar(&regions, "regions", os.Getenv("AWS_REGION"), "comma-separated regions for ARNs whose region is a placeholder")
	f.StringVar(&strategy, "strategy", "latest", "latest or next")
	f.BoolVar(&write, "write", false, "edit the files in place instead of printing a diff")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

func splitRegions(s string) []string {
	var out []string
	for _, r := range strings.Split(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// runBump plans every PATH, then prints (or writes) the result.
func runBump(cmd *cobra.Command, args []string, reg layers.Registry, opts bump.Options, write, asJSON bool) error {
	out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
	all := bump.Plan{Changes: []bump.Change{}, Changelogs: []bump.Entry{}, Errors: []bump.Error{}}
	var diff strings.Builder
	for _, p := range args {
		plan, res, err := bump.PlanPath(cmd.Context(), p, reg, opts)
		if err != nil {
			all.Errors = append(all.Errors, bump.Error{File: p, Message: err.Error()})
			continue
		}
		// Paths in the output are as the user would type them from here.
		rel := func(file string) string { return filepath.ToSlash(res.OSPath(file)) }
		for i := range plan.Changes {
			plan.Changes[i].File = rel(plan.Changes[i].File)
		}
		relocate(plan.Errors, rel)
		relocate(plan.Notes, rel)
		if write {
			if err := plan.Write(res.OSPath); err != nil {
				all.Errors = append(all.Errors, bump.Error{File: p, Message: err.Error()})
			}
		} else {
			for _, f := range plan.Files {
				diff.WriteString(bump.Diff(rel(f.Path), f.Before, f.After))
			}
		}
		all.Changes = append(all.Changes, plan.Changes...)
		all.Changelogs = append(all.Changelogs, plan.Changelogs...)
		all.Errors = append(all.Errors, plan.Errors...)
		all.Notes = append(all.Notes, plan.Notes...)
	}
	if err := printPlan(out, errw, all, diff.String(), write, asJSON); err != nil {
		return err
	}
	if len(all.Errors) > 0 {
		return silentError{exitError}
	}
	return nil
}

// relocate rewrites the file of each error, and the location its message
// starts with, from scan-relative to as typed.
func relocate(errs []bump.Error, rel func(string) string) {
	for i, e := range errs {
		errs[i].File = rel(e.File)
		if rest, ok := strings.CutPrefix(e.Message, e.File+":"); ok {
			errs[i].Message = errs[i].File + ":" + rest
		}
	}
}

func printPlan(out, errw io.Writer, p bump.Plan, diff string, write, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	}
	for _, e := range p.Errors {
		fmt.Fprintf(errw, "error: %s\n", e.Message)
	}
	for _, n := range p.Notes {
		fmt.Fprintf(errw, "note: %s\n", n.Message)
	}
	if write {
		for _, c := range p.Changes {
			fmt.Fprintf(out, "%s:%d:%d: %s %d -> %d\n", c.File, c.Line, c.Column, c.Layer, c.From, c.To)
		}
		return nil
	}
	if _, err := io.WriteString(out, diff); err != nil {
		return err
	}
	if len(p.Changelogs) > 0 {
		fmt.Fprint(out, "\n## Changelog\n")
		for _, e := range p.Changelogs {
			fmt.Fprintf(out, "\n%s", e.Markdown)
		}
	}
	return nil
}
