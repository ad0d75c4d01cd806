package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/worktree"
)

func init() { register(newBumpCmd) }

func newBumpCmd() *cobra.Command {
	var (
		lf                            layerFlags
		af                            advisoryFlags
		regions, strategy, configPath string
		policyPath                    string
		write, asJSON                 bool
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

The repository configuration PATH/.github/bumpbot.yml (or --config FILE)
is honoured as the App honours it: paths (include/exclude globs), strategy,
regions and ignore rules. Flags and the environment win over it. A file
that does not parse is reported with its line and column and its PATH is
left alone.

Exit status: 0 when no error was reported (with or without changes), 1 when
any error was reported, 2 on usage error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			given := bumpSettings{
				strategy: config.Flag("strategy", strategy, cmd.Flags().Changed("strategy")),
				regions:  config.First(config.Flag("regions", regions, cmd.Flags().Changed("regions")), config.Env(os.Getenv, "BUMPBOT_REGIONS")),
				fallback: config.DefaultRegion(os.Getenv),
			}
			// Checked before any work, whatever a configuration file says.
			if _, err := given.options(config.Repo{}); err != nil {
				return usageError{err}
			}
			if policyPath != "" {
				pol, err := loadPolicy(policyPath)
				if err != nil {
					return err
				}
				given.policy = pol
			}
			b, err := lf.open(cmd)
			if err != nil {
				return err
			}
			if err := af.apply(b); err != nil {
				return err
			}
			given.changelog = bump.PackageChangelog{Builder: b}
			return runBump(cmd, args, b.Registry, given, configPath, write, asJSON)
		},
	}
	lf.add(cmd)
	af.add(cmd)
	f := cmd.Flags()
	f.StringVar(&regions, "regions", "", "comma-separated regions for ARNs whose region is a placeholder (default: BUMPBOT_REGIONS, else AWS_REGION, else AWS_DEFAULT_REGION)")
	f.StringVar(&strategy, "strategy", "latest", "latest or next")
	f.BoolVar(&write, "write", false, "edit the files in place instead of printing a diff")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	f.StringVar(&policyPath, "policy", "", "security policy (bumpbot-policy.yml): no pin moves to a version it rejects")
	f.StringVar(&configPath, "config", "", "repository configuration (default: PATH/"+config.RepoPath+" when present)")
	return cmd
}

// bumpSettings are the settings bump takes from flags and the
// environment, completed per PATH by its repository configuration.
type bumpSettings struct {
	strategy, regions config.Value // flags and environment
	fallback          config.Value // regions when nothing else says
	changelog         bump.Changelogger
	policy            policy.Policy // versions no bump may land on
}

// options layers the settings over a repository configuration: flags,
// then the environment, then the file, then defaults.
func (s bumpSettings) options(cfg config.Repo) (bump.Options, error) {
	strat, err := layers.ParseStrategy(config.First(s.strategy, config.File("strategy", cfg.Strategy)).Text)
	if err != nil {
		return bump.Options{}, err
	}
	rs, err := config.Regions(config.First(s.regions, config.File("regions", strings.Join(cfg.Regions, ",")), s.fallback))
	if err != nil {
		return bump.Options{}, err
	}
	return bump.Options{Strategy: strat, Regions: rs, Changelog: s.changelog, Ignore: cfg.Ignored, Rejected: s.policy.Ranges}, nil
}

// runBump reconciles every PATH as a working tree (the reconcile the
// GitHub App runs, over a directory forge and with all bumps in one
// change), then prints what it found. A file reached by several PATHs, or
// by a link and its own name, is handled once.
func runBump(cmd *cobra.Command, args []string, reg layers.Registry, given bumpSettings, configPath string, write, asJSON bool) error {
	out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
	all := bump.NewReport()
	var diff strings.Builder
	claims := &worktree.Claims{}
	for _, p := range args {
		cfg, probs, ok := repoConfig(p, configPath)
		all.Errors = append(all.Errors, probs...)
		if !ok {
			continue
		}
		opts, err := given.options(cfg)
		if err != nil {
			all.Errors = append(all.Errors, problem.New(problem.Config, p, 0, 0, err))
			continue
		}
		rec := &reconcile.Reconciler{
			Planner:  reconcile.BumpPlanner{Registry: reg, Options: opts},
			Grouping: reconcile.AllInOne,
			Include:  cfg.IncludesPath,
		}
		d := &worktree.Dir{Root: p, Write: write, FullPaths: true, Claimed: claims}
		if !asJSON && !write {
			d.Out = &diff
		}
		res, err := rec.Run(cmd.Context(), "", d)
		d.Close()
		all.Add(landed(res.Report, err, p, func(file string) string { return filepath.ToSlash(d.OSPath(file)) }))
	}
	if err := printReport(out, errw, all, diff.String(), write, asJSON); err != nil {
		return err
	}
	if !asJSON {
		verb := "can move"
		if write {
			verb = "moved"
		}
		fmt.Fprintf(errw, "%s, %d %s, %d errors\n", pinCount(all.Pins), len(all.Changes), verb, len(all.Errors))
	}
	if len(all.Errors) > 0 {
		return silentError{exitError}
	}
	return nil
}

// landed returns what a reconcile of one PATH did, as the user would name
// its files from here (rel): the changes whose file was written (or put
// in the diff), the changelogs of their layers, and every error and note,
// those of the files that could not be written included.
func landed(r bump.Report, err error, path string, rel func(string) string) bump.Report {
	failed := map[string]bool{}
	if err != nil {
		fe, ok := errors.AsType[worktree.FileErrors](err)
		if !ok {
			// Nothing of this PATH was published.
			r.Errors = append(r.Errors, problem.New(problem.Read, path, 0, 0, err))
			r.Changes = nil
		}
		for _, p := range fe {
			failed[p.File] = true
			r.Errors = append(r.Errors, p)
		}
	}
	out := bump.NewReport()
	out.Pins = r.Pins
	layersLanded := map[string]bool{}
	for _, c := range r.Changes {
		edited := c.File
		if c.VersionAt != nil {
			edited = c.VersionAt.File
		}
		if failed[edited] {
			continue
		}
		c.File, c.VersionAt = rel(c.File), ref.Relocated(c.VersionAt, rel)
		out.Changes = append(out.Changes, c)
		layersLanded[c.Layer] = true
	}
	for _, e := range r.Changelogs {
		if layersLanded[e.Layer] {
			out.Changelogs = append(out.Changelogs, e)
		}
	}
	for _, list := range []struct{ from, to *[]problem.Problem }{{&r.Errors, &out.Errors}, {&r.Notes, &out.Notes}} {
		for _, p := range *list.from {
			if p.File != path {
				p.File = rel(p.File)
			}
			*list.to = append(*list.to, p)
		}
	}
	return out
}

func printReport(out, errw io.Writer, p bump.Report, diff string, write, asJSON bool) error {
	if asJSON {
		return writeJSON(out, p)
	}
	printProblems(errw, p.Errors, p.Notes)
	if write {
		for _, c := range p.Changes {
			fmt.Fprintf(out, "%s:%d:%d: %s %d -> %d%s\n", c.File, c.Line, c.Column, c.Layer, c.From, c.To, versionAt(c))
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

// versionAt says where the version of a change was edited when that is
// not the ARN itself (a variable default, a parameter).
func versionAt(c bump.Change) string {
	if c.VersionAt == nil || c.VersionAt.File == c.File && c.VersionAt.Line == c.Line {
		return ""
	}
	return fmt.Sprintf(" (version at %s)", c.VersionAt)
}

// pinCount says how many pins with a version were found in how many
// files: "57 pins in 31 files".
func pinCount(refs []ref.Reference) string {
	files := map[string]bool{}
	n := 0
	for _, r := range refs {
		if r.Version != nil || r.VersionText != "" {
			n++
			files[r.File] = true
		}
	}
	return fmt.Sprintf("%d pins in %d files", n, len(files))
}
