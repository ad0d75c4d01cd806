package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/spf13/cobra"
)

func init() { register(newScanCmd) }

func newScanCmd() *cobra.Command {
	var asJSON, markdown, withLayers bool
	var configPath, regions string
	var lf layerFlags
	cmd := &cobra.Command{
		Use:   "scan [--json] PATH...",
		Short: "List every pinned Lambda layer version under PATH",
		Long: `scan lists every pinned Lambda layer version in the given files or
directories: one line per reference, file:line:col  arn  (format: context),
with paths as typed from the current directory. With --json it prints one
object {"references":[...],"errors":[...],"notes":[...]}; errors and notes
carry file, line, column, kind and message.

A file that fails to parse is an error (it is still scanned for literal
ARNs); a file over the size limit in a tree is a note, a file named on
the command line that cannot be read or is over the limit is an error.
Errors and notes go to stderr in text mode. Only the paths the repository
configuration (PATH/.github/bumpbot.yml, or --config FILE) includes are
listed.

With --layers it also reads the layers each function attaches (from
--registry, as bump does) and reports per function the size they unzip
to (unzipped_size; over 250 MB an error, within 10% of it a note) and
the files one layer hides of an earlier one (shadowed).

Exit status: 0 when no error was reported (also when nothing is found), 1
when any was, 2 on usage error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := scanOutput{References: []ref.Reference{}, Errors: []problem.Problem{}, Notes: []problem.Problem{}}
			for _, p := range args {
				cfg, probs, ok := repoConfig(p, configPath)
				out.Errors = append(out.Errors, probs...)
				if !ok {
					continue
				}
				res, err := rewrite.ScanPath(p, rewrite.Options{Markdown: markdown})
				if err != nil {
					out.Errors = append(out.Errors, problem.New(problem.Read, p, 0, 0, err))
					continue
				}
				rel := func(file string) string { return filepath.ToSlash(res.OSPath(file)) }
				for _, r := range res.Refs {
					if res.Root != "" && !cfg.IncludesPath(r.File) {
						continue
					}
					r.File, r.VersionAt = rel(r.File), ref.Relocated(r.VersionAt, rel)
					out.References = append(out.References, r)
				}
				named := res.Root == ""
				for _, w := range res.Warnings {
					w.File = rel(w.File)
					if w.Kind == problem.Parse || named {
						out.Errors = append(out.Errors, w)
					} else {
						out.Notes = append(out.Notes, w)
					}
				}
			}
			out.Functions = bump.Stacks(out.References)
			if out.Functions == nil {
				out.Functions = []bump.Stack{}
			}
			out.Errors = append(out.Errors, bump.StackProblems(out.Functions)...)
			for _, r := range out.References {
				if np, ok := bump.NameProblem(r); ok {
					out.Notes = append(out.Notes, np)
				}
				if r.VersionText != "" {
					out.Notes = append(out.Notes, problem.Newf(problem.NotNumeric, r.File, r.Line, r.Column,
						"%s: version %q is not a number, and AWS accepts only version numbers in a layer ARN: its deployments fail; bumpbot bump finds the newest version and pins it", r.ARN, r.VersionText))
				}
			}
			problem.Sort(out.Notes)
			if withLayers {
				if err := checkStacks(cmd, &lf, regions, &out); err != nil {
					return err
				}
			}
			if err := out.print(cmd.OutOrStdout(), cmd.ErrOrStderr(), asJSON); err != nil {
				return err
			}
			if !asJSON {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s, %d errors, %d notes\n", pinCount(out.References), len(out.Errors), len(out.Notes))
			}
			if len(out.Errors) > 0 {
				return silentError{exitError}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.Flags().BoolVar(&markdown, "markdown", false, "also scan Markdown files")
	cmd.Flags().BoolVar(&withLayers, "layers", false, "read each function's layers from --registry: their unzipped size and the files one hides of another, per function")
	cmd.Flags().StringVar(&regions, "regions", "", "with --layers, the regions an ARN whose region is a placeholder is read in (default: BUMPBOT_REGIONS, else AWS_REGION)")
	lf.add(cmd)
	cmd.Flags().StringVar(&configPath, "config", "", "repository configuration whose paths are scanned (default: PATH/"+config.RepoPath+" when present)")
	return cmd
}

// scanOutput is what scan prints (the JSON contract of scan --json).
type scanOutput struct {
	References []ref.Reference `json:"references"`
	// Functions are the layer stacks the files tie to functions, in the
	// order each lists its layers.
	Functions []bump.Stack      `json:"functions"`
	Errors    []problem.Problem `json:"errors"`
	Notes     []problem.Problem `json:"notes"`
}

// print writes the output as JSON, or as file:line:col lines with the
// problems on errw.
func (o scanOutput) print(w, errw io.Writer, asJSON bool) error {
	if asJSON {
		return o.writeJSON(w)
	}
	printProblems(errw, o.Errors, o.Notes)
	for _, r := range o.References {
		ctx := string(r.Format)
		if r.Context != "" {
			ctx += ": " + r.Context
		}
		if _, err := fmt.Fprintf(w, "%s  %s  (%s)\n", r.Pos, r.ARN, ctx); err != nil {
			return err
		}
	}
	return nil
}

// checkStacks reads the layers of every function the scan found, at the
// versions pinned, and adds their sizes, shadowed files and problems.
func checkStacks(cmd *cobra.Command, lf *layerFlags, regions string, out *scanOutput) error {
	b, err := lf.open(cmd)
	if err != nil {
		return err
	}
	rs, err := config.Regions(config.First(config.Flag("regions", regions, regions != ""), config.Env(os.Getenv, "BUMPBOT_REGIONS"), config.DefaultRegion(os.Getenv)))
	if err != nil {
		return usageError{err}
	}
	errs, notes := bump.StackCheck(cmd.Context(), bump.PackageChangelog{Builder: b}, rs, out.Functions, bump.Pinned)
	out.Errors, out.Notes = append(out.Errors, errs...), append(out.Notes, notes...)
	problem.Sort(out.Errors)
	problem.Sort(out.Notes)
	return nil
}
