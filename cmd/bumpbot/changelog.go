package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/bumpbot/bumpbot/internal/layerarn"
)

func init() { register(newChangelogCmd) }

func newChangelogCmd() *cobra.Command {
	var (
		lf     layerFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "changelog [--registry aws|dir:PATH] [--json] [--cache-dir DIR] FROM_LAYER_VERSION_ARN TO_LAYER_VERSION_ARN",
		Short: "Show which packages changed between two layer versions",
		Long: `changelog compares what two layer versions hold: Python distributions,
Node.js packages, Ruby gems, Java jars, shared libraries, bin/ and
extensions/, and the layer's runtimes, architectures, size, license and
description. Only the zip's central directory and the metadata files that
name packages are fetched (HTTP Range requests), never the whole layer
unless the server ignores ranges.

Inventories are cached by CodeSha256 under --cache-dir (default: the user
cache directory), so a version is read once. Output is Markdown, or with
--json one object {"from","to","packages","layer","bytes_read"}; what
could not be read is noted in the Markdown, and on stderr with --json.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var arns [2]layerarn.ARN
			for i, s := range args {
				a, err := layerarn.Parse(s)
				if err != nil || a.Version == 0 {
					return usagef("%q is not a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)", s)
				}
				arns[i] = a
			}
			b, err := lf.open(cmd)
			if err != nil {
				return err
			}
			c, err := b.Build(cmd.Context(), arns[0], arns[1])
			if err != nil {
				return err
			}
			if !asJSON {
				fmt.Fprint(cmd.OutOrStdout(), c.Markdown())
				return nil
			}
			for _, n := range c.Notes {
				fmt.Fprintf(cmd.ErrOrStderr(), "bumpbot: %s\n", n)
			}
			return writeJSON(cmd.OutOrStdout(), c)
		},
	}
	lf.add(cmd)
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
