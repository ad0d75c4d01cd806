package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/bumpbot/bumpbot/internal/rewrite"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/spf13/cobra"
)

func init() { register(newScanCmd) }

func newScanCmd() *cobra.Command {
	var asJSON, markdown bool
	cmd := &cobra.Command{
		Use:   "scan [--json] PATH...",
		Short: "List every pinned Lambda layer version under PATH",
		Long: `scan lists every pinned Lambda layer version in the given files or
directories: one line per reference, file:line:col  arn  (format: context).
With --json it prints one JSON array of references. Files that fail to parse
are reported on stderr and scanned for literal ARNs instead.

Exit status: 0 on success (also when nothing is found), 1 on error, 2 on
usage error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var all []ref.Reference
			failed := false
			for _, p := range args {
				res, err := rewrite.ScanPath(p, rewrite.Options{Markdown: markdown})
				if err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "bumpbot: %v\n", err)
					failed = true
					continue
				}
				for _, w := range res.Warnings {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s\n", w.Error())
				}
				all = append(all, res.Refs...)
			}
			if err := printRefs(cmd.OutOrStdout(), all, asJSON); err != nil {
				return err
			}
			if failed {
				return silentError{exitError}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON array of references")
	cmd.Flags().BoolVar(&markdown, "markdown", false, "also scan Markdown files")
	return cmd
}

// printRefs writes references as JSON or as file:line:col lines.
func printRefs(w io.Writer, refs []ref.Reference, asJSON bool) error {
	if asJSON {
		if refs == nil {
			refs = []ref.Reference{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(refs)
	}
	for _, r := range refs {
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
