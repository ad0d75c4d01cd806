package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/bumpbot/bumpbot/internal/advisory"
	"github.com/bumpbot/bumpbot/internal/changelog"
	"github.com/bumpbot/bumpbot/internal/layerarn"
)

func init() { register(newChangelogCmd) }

func newChangelogCmd() *cobra.Command {
	var (
		lf     layerFlags
		af     advisoryFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "changelog [--registry aws|dir:PATH] [--json] [--cache-dir DIR] [--advisories DIR] FROM_LAYER_VERSION_ARN TO_LAYER_VERSION_ARN",
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
could not be read is noted in the Markdown, and on stderr with --json.

With --advisories (OSV JSON files, a file or a folder; repeatable), the
changelog lists the advisories the new version fixes and, as warnings,
those it introduces; --json then adds "advisories": {"fixed","introduced"}.`,
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
			if err := af.apply(b); err != nil {
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
	af.add(cmd)
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// advisoryFlags is --advisories: OSV files whose matches a changelog
// reports. Shared by the commands that write changelogs.
type advisoryFlags struct{ paths []string }

func (a *advisoryFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&a.paths, "advisories", nil, "OSV advisory JSON files (a file or a folder, repeatable): changelogs list those fixed and introduced")
}

// apply loads the advisories into b. Given paths always set a non-nil
// list, even when they hold no advisory, so the changelog says "none"
// rather than leaving the question out.
func (a *advisoryFlags) apply(b *changelog.Builder) error {
	if len(a.paths) == 0 {
		return nil
	}
	advs, err := advisory.Load(a.paths...)
	if err != nil {
		return err
	}
	b.Advisories = append([]advisory.Advisory{}, advs...)
	return nil
}
