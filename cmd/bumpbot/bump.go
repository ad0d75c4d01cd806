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
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/rewrite"
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
			b, err := lf.open(cmd)
			if err != nil {
				return err
			}
			opts := bump.Options{Strategy: strat, Regions: layers.SplitRegions(regions), Changelog: bump.PackageChangelog{Builder: b}}
			return runBump(cmd, args, b.Registry, opts, write, asJSON)
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

// runBump reconciles every PATH as a working tree (the reconcile the
// GitHub App runs, over a directory forge and with all bumps in one
// change), then prints what it found.
func runBump(cmd *cobra.Command, args []string, reg layers.Registry, opts bump.Options, write, asJSON bool) error {
	out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
	rec := &reconcile.Reconciler{
		Planner:     reconcile.BumpPlanner{Registry: reg, Options: opts},
		Grouping:    reconcile.AllInOne,
		Candidate:   reconcile.AllFiles,
		MaxFileSize: rewrite.DefaultMaxFileSize,
	}
	all := bump.NewReport()
	var diff strings.Builder
	for _, p := range args {
		d := &reconcile.Dir{Root: p, Write: write, FullPaths: true}
		if !asJSON {
			d.Out = &diff
		}
		res, err := rec.Run(cmd.Context(), "", d)
		if err != nil {
			all.Errors = append(all.Errors, bump.Error{File: p, Message: err.Error()})
		}
		// Paths in the output are as the user would type them from here.
		rel := func(file string) string { return filepath.ToSlash(d.OSPath(file)) }
		r := res.Report
		for i := range r.Changes {
			r.Changes[i].File = rel(r.Changes[i].File)
		}
		relocate(r.Errors, rel)
		relocate(r.Notes, rel)
		all.Changes = append(all.Changes, r.Changes...)
		all.Changelogs = append(all.Changelogs, r.Changelogs...)
		all.Errors = append(all.Errors, r.Errors...)
		all.Notes = append(all.Notes, r.Notes...)
	}
	if err := printReport(out, errw, all, diff.String(), write, asJSON); err != nil {
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

func printReport(out, errw io.Writer, p bump.Report, diff string, write, asJSON bool) error {
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
